print("icar")
