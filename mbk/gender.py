"""A person's gender as their Russian patronymic tells it, for the verbs about them
(«представил» / «представила»). Here, at the bottom, so that every layer may guess it: the
sign-up (accounts) and the demo (directory)."""

MALE, FEMALE, UNKNOWN = "male", "female", ""


def guess_gender(middle_name: str) -> str:
    """…вич, …ич, …оглы → male; …вна, …чна, …кызы → female; unknown otherwise. A guess for a
    person who has not said: they may put it right in their profile."""
    name = (middle_name or "").strip().lower()
    if name.endswith(("вна", "чна", "шна", "кызы", "гызы")):
        return FEMALE
    if name.endswith(("ич", "оглы", "улы")):
        return MALE
    return UNKNOWN
