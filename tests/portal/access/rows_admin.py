from .rows import Row

ADMIN = frozenset({"admin"})
CONTRACT_READERS = frozenset({"admin", "finance", "reviewer"})

ROWS = [
    Row("admin.index", "GET", lambda w: "/beheer/", ADMIN),
    Row("admin.new_user", "GET", lambda w: "/beheer/gebruikers/nieuw", ADMIN),
    Row("admin.new_user", "POST", lambda w: "/beheer/gebruikers/nieuw", ADMIN),
    Row("admin.toggle_user", "POST", lambda w: f"/beheer/gebruikers/{w.users['provider_b'].id}/actief", ADMIN),
    Row("admin.edit_provider", "GET", lambda w: f"/beheer/bureaus/{w.provider_a.id}", ADMIN),
    Row("admin.edit_provider", "POST", lambda w: f"/beheer/bureaus/{w.provider_a.id}", ADMIN),
    Row("admin.edit_municipality", "GET", lambda w: f"/beheer/gemeenten/{w.municipality_a.id}", ADMIN),
    Row("admin.edit_municipality", "POST", lambda w: f"/beheer/gemeenten/{w.municipality_a.id}", ADMIN),
    Row("admin.contract", "GET", lambda w: f"/beheer/contracten/{w.contract_a.id}", CONTRACT_READERS),
]
