"""The sign-in forms: password, forgotten password, new password, second-factor code."""

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(
        "Adresse e-mail",
        validators=[InputRequired("Indiquez votre adresse e-mail."), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Mot de passe",
        validators=[InputRequired("Indiquez votre mot de passe."), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class ForgottenPasswordForm(FlaskForm):
    email = EmailField(
        "Adresse e-mail de votre compte",
        validators=[InputRequired("Indiquez votre adresse e-mail."), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        "Nouveau mot de passe (12 caractères au moins)",
        validators=[InputRequired("Choisissez un mot de passe."), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Confirmez le nouveau mot de passe",
        validators=[
            InputRequired("Confirmez le mot de passe."),
            EqualTo("password", "Les deux mots de passe ne sont pas identiques."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class CodeForm(FlaskForm):
    code = StringField(
        "Code à 6 chiffres de votre application (ou un code de secours)",
        validators=[InputRequired("Saisissez le code."), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"},
    )
