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

ROWS += [
    Row("auth.forgot_password", "GET", lambda w: "/wachtwoord-vergeten", EVERYONE, public=True),
    Row("auth.forgot_password", "POST", lambda w: "/wachtwoord-vergeten", EVERYONE, public=True),
    Row("auth.reset_with_link", "GET", lambda w: "/wachtwoord-herstellen/onbekend", EVERYONE, public=True),
    Row("auth.reset_with_link", "POST", lambda w: "/wachtwoord-herstellen/onbekend", EVERYONE, public=True),
    Row("admin.force_password_reset", "POST",
        lambda w: f"/beheer/gebruikers/{w.users['provider_b'].id}/wachtwoord-herstel", frozenset({"admin"})),
]

ROWS += [
    Row("auth.second_factor", "GET", lambda w: "/login/code", EVERYONE),
    Row("auth.second_factor", "POST", lambda w: "/login/code", EVERYONE),
    Row("auth.enrol_second_factor", "GET", lambda w: "/account/tweestaps", EVERYONE),
    Row("auth.enrol_second_factor", "POST", lambda w: "/account/tweestaps", EVERYONE),
]
