"""Django's ``makemessages`` without fuzzy guesses: msgmerge would fill a new string with the
translation of a similar old one ("The card has expired." → « La carte a été refusée. »),
marked fuzzy; a wrong sentence is worse than an empty one the tests point at."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
