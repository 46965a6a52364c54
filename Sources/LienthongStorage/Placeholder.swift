// LienthongStorage
