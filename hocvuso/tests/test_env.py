import pytest

from hocvuso.lib.env import EnvError, env_bool, env_float, env_int, env_list, env_str


def test_it_returns_the_default_when_a_variable_is_unset():
    assert env_str("X", "fallback", environ={}) == "fallback"
    assert env_int("X", 3, environ={}) == 3
    assert env_bool("X", True, environ={}) is True
    assert env_list("X", ["a"], environ={}) == ["a"]


def test_it_fails_loudly_when_a_required_variable_is_missing():
    with pytest.raises(EnvError, match="SECRET_KEY is required"):
        env_str("SECRET_KEY", environ={})


def test_it_rejects_a_boolean_it_cannot_read():
    with pytest.raises(EnvError, match="not a boolean"):
        env_bool("DEBUG", False, environ={"DEBUG": "maybe"})


def test_it_reads_the_usual_spellings_of_booleans():
    assert env_bool("DEBUG", False, environ={"DEBUG": "Yes"}) is True
    assert env_bool("DEBUG", True, environ={"DEBUG": "0"}) is False


def test_it_rejects_an_integer_it_cannot_read():
    with pytest.raises(EnvError, match="not an integer"):
        env_int("PORT", 1, environ={"PORT": "eighty"})


def test_it_splits_lists_on_commas_and_drops_blanks():
    assert env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.vn, b.vn,,"}) == ["a.vn", "b.vn"]


def test_it_reads_a_number_with_a_fraction_and_rejects_one_it_cannot_read():
    assert env_float("SQLITE_CHECKPOINT_SECONDS", 1.0, environ={"SQLITE_CHECKPOINT_SECONDS": "0.25"}) == 0.25
    assert env_float("SQLITE_CHECKPOINT_SECONDS", 1.0, environ={}) == 1.0
    with pytest.raises(EnvError, match="not a number"):
        env_float("SQLITE_CHECKPOINT_SECONDS", 1.0, environ={"SQLITE_CHECKPOINT_SECONDS": "soon"})
