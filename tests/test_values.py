import pytest

from pipeline.values import parse_value


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("", 0, None), ("0", 0, None), ("—", 0, None), ("-", 0, None), ("/", 0, None), ("无", 0, None),
        ("１２３", 123, None), ("1,234", 1234, None), ("12,345,678", 12345678, None), ("232.47万元", 232.47, "万元"),
        ("2792220.8元", 2792220.8, "元"), ("-3", -3, None), ("－12", -12, None), ("3件", 3, None), (" 7 ", 7, None),
    ],
)
def test_parses(text, value, unit):
    parsed = parse_value(text)
    assert (parsed.value, parsed.unit, parsed.problem) == (value, unit, None)
    assert type(parsed.value) is type(value)


@pytest.mark.parametrize("text", ["12a", "1,23", "l0", "3 4", "?"])
def test_unclean_text_is_a_problem_not_a_number(text):
    parsed = parse_value(text)
    assert parsed.value is None and parsed.problem == f"not a number: {text!r}"
