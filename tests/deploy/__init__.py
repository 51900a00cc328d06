"""`make serve` and what production needs: the server, its settings, the secret key, the proxy."""
