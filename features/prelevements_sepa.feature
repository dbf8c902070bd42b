# language: fr
Fonctionnalité: Prélever par SEPA ce que doivent les membres qui ont signé un mandat
  La trésorière remet à la banque un ordre de prélèvement au format pain.008.001.08 (ISO 20022 ;
  l'ancien pain.008.001.02 reste possible) de ce que doivent encore les membres qui ont signé un
  mandat. Chaque prélèvement du fichier est enregistré comme envoyé, avec son fichier et sa date :
  exporter une seconde fois les mêmes appels n'envoie rien. Le premier prélèvement d'un mandat
  part en FRST, les suivants en RCUR. La date de prélèvement est un jour ouvré TARGET2 (ni
  samedi, ni dimanche, ni 1er janvier, Vendredi saint, lundi de Pâques, 1er mai, 25 et 26
  décembre), au moins deux jours ouvrés après l'export ; sinon le prochain jour possible est
  proposé. Un prélèvement que la banque rend (rejet avant règlement, retour après) rouvre l'appel
  et marque le mandat ; un motif qui interdit de s'en resservir (compte clôturé, pas de mandat,
  débiteur décédé…) le suspend jusqu'à ce qu'un nouveau mandat soit enregistré.

  Sur l'organisation de démonstration, deux membres ont signé un mandat ; leurs appels 2027 émis
  le 01/12/2026 sont AC-2027-0003 (GARRIGUE, 400,00 €) et AC-2027-0005 (MISTRAL, 1 262,50 €).

  Contexte:
    Étant donné l'organisation de démonstration, ses appels 2027 émis le 01/12/2026
    Et nous sommes le vendredi 04/12/2026

  Scénario: l'ordre de prélèvement au format pain.008.001.08, conforme à son schéma
    Quand la trésorière exporte l'ordre de prélèvement pour le 10/12/2026
    Alors l'ordre de prélèvement est conforme au schéma XSD pain.008.001.08
    Et il porte ces prélèvements :
      | appel        | montant    | séquence | mandat                     |
      | AC-2027-0003 | 400,00 €   | FRST     | PTCE-ALPILLES-GARRIGUE-001 |
      | AC-2027-0005 | 1 262,50 € | FRST     | PTCE-ALPILLES-MISTRAL-001  |
    Et les prélèvements AC-2027-0003, AC-2027-0005 sont enregistrés comme envoyés le 04/12/2026

  Scénario: l'ancien format pain.008.001.02 reste possible
    Quand la trésorière exporte l'ordre de prélèvement pour le 10/12/2026 au format pain.008.001.02
    Alors l'ordre de prélèvement est conforme au schéma XSD pain.008.001.02

  Scénario: un second export des mêmes appels n'envoie rien
    Quand la trésorière exporte l'ordre de prélèvement pour le 10/12/2026
    Et la trésorière exporte encore l'ordre de prélèvement pour le 11/12/2026
    Alors le second export n'envoie rien : « rien à prélever »
    Et un seul ordre de prélèvement est enregistré, retéléchargeable à l'identique

  Plan du scénario: une date qui n'est pas un jour ouvré TARGET2 assez lointain est refusée
    Quand la trésorière exporte l'ordre de prélèvement pour le <date>
    Alors l'opération est refusée avec le message :
      """
      date de prélèvement refusée : le <date> <raison> ; prochain jour ouvré possible : <proposé>
      """
    Et le champ en cause est « collection_date »
    Et aucun prélèvement n'est enregistré comme envoyé

    Exemples:
      | date       | raison                                                                           | proposé           |
      | 13/12/2026 | est un dimanche, pas un jour ouvré TARGET2                                       | lundi 14/12/2026  |
      | 25/12/2026 | est un jour de fermeture de TARGET2 (Noël), pas un jour ouvré TARGET2            | lundi 28/12/2026  |
      | 07/12/2026 | est trop proche, la banque demande 2 jours ouvrés TARGET2 au moins               | mardi 08/12/2026  |

  Scénario: FRST pour le premier prélèvement d'un mandat, RCUR ensuite
    Quand la trésorière exporte l'ordre de prélèvement pour le 10/12/2026
    Et nous sommes le lundi 14/12/2026
    Et la banque annonce le retour du prélèvement de l'appel AC-2027-0003 pour le motif AM04
    Et la trésorière exporte l'ordre de prélèvement pour le 17/12/2026
    Alors il porte ces prélèvements :
      | appel        | montant  | séquence | mandat                     |
      | AC-2027-0003 | 400,00 € | RCUR     | PTCE-ALPILLES-GARRIGUE-001 |
    Et le mandat de GARRIGUE porte « retour du 14/12/2026 (AC-2027-0003) : AM04 — provision insuffisante »
    Et le mandat de GARRIGUE n'est pas suspendu

  Scénario: un premier prélèvement rejeté avant règlement repart en FRST
    Quand la trésorière exporte l'ordre de prélèvement pour le 10/12/2026
    Et nous sommes le mardi 08/12/2026
    Et la banque annonce le rejet du prélèvement de l'appel AC-2027-0003 pour le motif MS03
    Et la trésorière exporte l'ordre de prélèvement pour le 11/12/2026
    Alors il porte ces prélèvements :
      | appel        | montant  | séquence | mandat                     |
      | AC-2027-0003 | 400,00 € | FRST     | PTCE-ALPILLES-GARRIGUE-001 |

  Scénario: un retour lu sur le relevé bancaire rouvre l'appel et suspend le mandat
    Quand la trésorière exporte l'ordre de prélèvement pour le 10/12/2026
    Et nous sommes le mardi 15/12/2026
    Et la trésorière importe le relevé où la banque crédite 400,00 € prélevés sur GARRIGUE le 10/12/2026 puis les reprend le 14/12/2026 pour le motif AC04
    Alors l'appel AC-2027-0003 est « à payer »
    Et le mandat de GARRIGUE porte « retour du 14/12/2026 (AC-2027-0003) : AC04 — compte clôturé »
    Et le mandat de GARRIGUE est suspendu depuis le 14/12/2026
    Et un nouvel export pour le 18/12/2026 n'envoie rien : « rien à prélever »
