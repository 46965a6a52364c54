// LienthongConnectors
