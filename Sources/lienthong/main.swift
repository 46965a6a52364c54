print("lienthong")
