import json

from django.http import HttpResponse

from leora.pages import add_toast


def test_a_toast_rides_in_hx_trigger_beside_other_events() -> None:
    response = HttpResponse()
    response["HX-Trigger"] = json.dumps({"taskChanged": 7})
    add_toast(response, "Task marked done")
    assert json.loads(response["HX-Trigger"]) == {
        "taskChanged": 7,
        "toast": {"text": "Task marked done", "kind": "success"},
    }


def test_plain_event_names_in_hx_trigger_are_kept() -> None:
    response = HttpResponse()
    response["HX-Trigger"] = "refresh, recount"
    add_toast(response, "Saved", kind="info")
    assert json.loads(response["HX-Trigger"]) == {
        "refresh": None,
        "recount": None,
        "toast": {"text": "Saved", "kind": "info"},
    }
