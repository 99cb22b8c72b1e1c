def everything_open(user, course):
    return True
