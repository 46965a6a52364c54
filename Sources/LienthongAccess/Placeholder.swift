// LienthongAccess
