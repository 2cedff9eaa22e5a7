"""`<id:…>` in URLs: a database id. Like `<int:…>`, but at most 18 digits, so an absurd
number is a 404 instead of an overflow in the database driver."""


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(int(value))
