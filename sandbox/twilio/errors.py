"""Twilio's REST error body: {"code", "message", "more_info", "status"}."""

from flask import jsonify


def twilio_error(status: int, code: int, message: str):
    body = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return jsonify(body), status
