// LienthongHTTP
