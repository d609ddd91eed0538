"""An offline Open Payments provider (port 4000): wallet addresses with JWKS, a GNAP auth
server with an approval page for interactive grants, a resource server (incoming payments,
quotes, outgoing payments) and its own ledger, plus a small admin API and fault controls.
"""
