from .rows import EVERYONE, Row

ROWS = [
    Row("home.root", "GET", lambda w: "/", EVERYONE),
    Row("home.index", "GET", lambda w: "/start", EVERYONE),
    Row("auth.login", "GET", lambda w: "/login", EVERYONE, public=True),
    Row("auth.login", "POST", lambda w: "/login", EVERYONE, public=True),
    Row("auth.logout", "POST", lambda w: "/logout", EVERYONE),
]

ROWS += [
    Row("auth.password", "GET", lambda w: "/account/wachtwoord", EVERYONE),
    Row("auth.password", "POST", lambda w: "/account/wachtwoord", EVERYONE),
]
