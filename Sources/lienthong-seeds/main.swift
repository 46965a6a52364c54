print("seeds")
