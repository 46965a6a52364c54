// LienthongSchema
