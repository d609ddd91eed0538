"""The WhatsApp templates the sandbox treats as approved (Twilio's Content API would hold
them in a real account). The product's sandbox defaults use the same SIDs
(stokvel/notify/templates.py); a real deployment configures its own."""

TEMPLATES = {
    "HX00000000000000000000000000000001": ("notice", "DigiStokvel: {{1}}"),
    "HX00000000000000000000000000000002": (
        "contribution_reminder",
        "Hi {{1}}, your {{2}} contribution of {{3}} is due on {{4}}.",
    ),
    "HX00000000000000000000000000000003": (
        "contribution_received",
        "Hi {{1}}, we received your {{2}} contribution of {{3}}. Thank you!",
    ),
    "HX00000000000000000000000000000004": (
        "payout_sent",
        "Hi {{1}}, your payout of {{2}} from {{3}} is on its way to your wallet.",
    ),
    "HX00000000000000000000000000000005": (
        "application_update",
        "Hi {{1}}, there is news about {{2}}: {{3}}",
    ),
}


def render(content_sid: str, variables: dict) -> str:
    text = TEMPLATES[content_sid][1]
    for key, value in variables.items():
        text = text.replace("{{%s}}" % key, str(value))
    return text
