# language: fr
Fonctionnalité: Installer Gouvernance pour une vraie association, sans la démonstration
  Le Pôle Coopératif du Ventoux, une association qui n'a jamais vu la démonstration, installe
  Gouvernance sur son ordinateur. Sa trésorière tape les commandes : la base, le premier
  administrateur, l'organisation, les membres, puis les appels de cotisation 2027, une lettre,
  le fichier des écritures comptables et l'ordre de prélèvement. Chaque commande agit au nom
  d'un compte nommé, et chaque document imprime l'association, pas la démonstration.

  Contexte:
    Étant donné une base neuve et le barème adopté « ventoux-2027 » de l'association

  Scénario: De la base vide à l'ordre de prélèvement
    Quand on lance « gouvernance init »
    Alors la réponse dit « 1. créez le premier administrateur : gouvernance users add <identifiant> --role admin »
    Quand « claire » crée le premier compte administrateur
    Et que claire déclare l'association « Pôle Coopératif du Ventoux », RNA « W842001234 », SIREN « 443 061 841 », IBAN « FR76 3000 4000 0312 3456 7890 143 »
    Alors « gouvernance organisation show » affiche le BIC « BNPAFRPP » déduit de l'IBAN
    Quand claire importe le fichier « membres.csv » des exemples
    Alors la réponse dit « 4 membre(s) importé(s) depuis membres.csv. »
    Quand claire émet les appels du barème « ventoux-2027 » à échéance du 31/03/2027
    Alors la réponse dit « Lot émis : LOT-2027-01 (3 appel(s), total 465,00 €, échéance 31/03/2027). »
    Et la lettre de l'appel « AC-2027-0001 » imprime « Pôle Coopératif du Ventoux », « FR76 3000 4000 0312 3456 7890 143 » et « Trésorier bénévole »
    Et le fichier des écritures comptables de 2026, l'année où les appels sont émis, s'appelle « 443061841-extrait-FEC-20260101-20261231.txt »
    Et l'ordre de prélèvement du 11/01/2027 prélève 150,00 € au membre M0001 mandaté
    Et le journal d'audit attribue chaque écriture à « claire »

  Scénario: Une commande sans compte nommé est refusée et dit comment faire
    Étant donné que « claire » a créé le premier compte administrateur
    Quand on lance « gouvernance members list » sans nommer de compte
    Alors la réponse dit « précisez au nom de quel compte agir : « gouvernance --as NOM … » ou la variable GOUVERNANCE_OPERATOR=NOM (comptes actifs : claire) (option --as) »

  Scénario: Les documents attendent que l'organisation soit déclarée, et disent par quelle commande
    Étant donné que « claire » a créé le premier compte administrateur
    Quand claire demande le fichier des écritures comptables de 2027
    Alors la réponse dit « aucune organisation n'est enregistrée : un administrateur la déclare avec « gouvernance organisation set --name … » (ou PUT /organisation) »
