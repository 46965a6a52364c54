// LienthongTrust
