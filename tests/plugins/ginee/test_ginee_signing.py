from hypothesis import given
from hypothesis import strategies as st

from plugins.ginee.signing import (
    authorization_header,
    authorization_valid,
    request_signature,
)


def test_known_answer_from_the_reference():
    assert (request_signature("dummy-secret", "POST", "/openapi/order/v2/list-order")
            == "pC2TW9IVXVX4WSUy/v4RCb8fIt8w8WiFhj1Vfe92rFs=")


def test_authorization_header_is_access_key_colon_signature():
    header = authorization_header("my-access", "dummy-secret", "post",
                                  "/openapi/order/v2/list-order")
    assert header == "my-access:pC2TW9IVXVX4WSUy/v4RCb8fIt8w8WiFhj1Vfe92rFs="


def test_signature_depends_on_path_and_method_not_on_anything_else():
    base = request_signature("s", "POST", "/openapi/shop/v1/list")
    assert base != request_signature("s", "POST", "/openapi/shop/v1/lis")
    assert base != request_signature("s", "GET", "/openapi/shop/v1/list")
    assert base != request_signature("t", "POST", "/openapi/shop/v1/list")


@given(access=st.text(st.characters(blacklist_characters=":"), min_size=1),
       secret=st.text(min_size=1), path=st.text(min_size=1))
def test_emulator_accepts_exactly_what_the_client_signs(access, secret, path):
    header = authorization_header(access, secret, "POST", path)
    assert authorization_valid(header, {access: secret}, "POST", path)
    assert not authorization_valid(header, {access: secret + "x"}, "POST", path)
    assert not authorization_valid(header, {access: secret}, "POST", path + "x")


def test_missing_or_malformed_authorization_is_refused():
    keys = {"a": "s"}
    assert not authorization_valid(None, keys, "POST", "/x")
    assert not authorization_valid("no-colon", keys, "POST", "/x")
    assert not authorization_valid("unknown:abc", keys, "POST", "/x")
