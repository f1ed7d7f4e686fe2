"""Cards (*fiches*): one record with its related records, on screen and in PDF alike.

A card is declared on its artefact (``card=CardSpec(...)``, :mod:`app.cards.spec`); its data is
gathered here, request-free and through the reader's scope (:mod:`app.cards.context`); one
module per card kind (process, indicator, risk, audit) says what it gathers.
"""
