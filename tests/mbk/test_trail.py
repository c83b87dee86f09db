"""The port through which the layers below the engine audit and notify (mbk/trail.py)."""

import pytest

from mbk import trail
from workflow import audit, notify


def test_the_engine_plugs_its_audit_and_notices_in():
    plugged = trail._implementations

    assert plugged == {"record": audit.record, "notify": notify.notify}


@pytest.mark.parametrize(
    "call",
    [lambda: trail.record(None, actor=None, action="x"), lambda: trail.notify([], actor=None)],
)
def test_an_unplugged_port_raises_a_clear_error(monkeypatch, call):
    monkeypatch.setattr(trail, "_implementations", {})

    with pytest.raises(RuntimeError, match="the workflow app plugs it in"):
        call()
