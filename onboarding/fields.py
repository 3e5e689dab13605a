"""Form fields shared by the panel and the candidate space: dates and times as French people
type them, with a French message when they cannot be read."""

from wtforms import DateField, TimeField

DATE_MESSAGE = "Date invalide : utilisez le format jj/mm/aaaa."
TIME_MESSAGE = "Heure invalide : utilisez le format hh:mm (ex. 07:30)."


class FrenchDateField(DateField):
    """The ISO format of <input type=date>, or dd/mm/yyyy typed by hand."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%Y-%m-%d", "%d/%m/%Y"], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(DATE_MESSAGE) from None


class FrenchTimeField(TimeField):
    """The format of <input type=time>, or 7h30 / 7 h 30 typed by hand."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%H:%M", "%Hh%M", "%H h %M"], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(TIME_MESSAGE) from None
