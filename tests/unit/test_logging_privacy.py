import logging

from app.logging_setup import AccessLogPrivacy


def test_access_log_loses_query_string_and_client_address():
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("203.0.113.7:51234", "GET", "/api/search?q=811218-9876+min+adress", "1.1", 200), None)
    assert AccessLogPrivacy().filter(record)
    line = record.getMessage()
    assert "811218-9876" not in line and "203.0.113.7" not in line
    assert line == '- - "GET /api/search HTTP/1.1" 200'
