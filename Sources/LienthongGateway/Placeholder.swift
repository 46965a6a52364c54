// LienthongGateway
