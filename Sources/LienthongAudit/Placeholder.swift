// LienthongAudit
