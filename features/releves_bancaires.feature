# language: fr
Fonctionnalité: Importer les relevés bancaires et rapprocher les paiements des appels
  La trésorière importe le relevé que la banque lui donne : le relevé de compte au format
  CAMT.053 (XML ISO 20022), ou l'export CSV du compte (« ; », virgule décimale). Chaque crédit
  est rapproché d'un membre et de ses appels : par la référence de l'appel écrite dans le
  libellé (AC-2027-0005), puis par l'IBAN de qui a payé, puis par son nom. Un rapprochement
  certain est enregistré comme paiement ; un rapprochement incertain attend que la trésorière le
  confirme ; un crédit qui ne correspond à rien attend dans la liste. Un prélèvement que la banque
  du membre a rejeté est enregistré comme rejet : il annule le prélèvement, l'appel redevient dû.
  Un relevé importé deux fois n'enregistre rien deux fois.

  Sur l'organisation de démonstration, les appels 2027 émis le 01/12/2026 sont notamment :
    - AC-2027-0003, GARRIGUE (Garrigue Environnement SCOP), 400,00 € ;
    - AC-2027-0004, HUILES-DU-VAL (Les Huiles du Val SAS), 400,00 € ;
    - AC-2027-0005, MISTRAL (SARL Mistral Recyclage), 1 262,50 € ;
    - AC-2027-0007, SAL01 (Camille Roux), 20,00 €.

  Contexte:
    Étant donné l'organisation de démonstration, ses appels 2027 émis le 01/12/2026
    Et nous sommes le 12/12/2026
    Et le relevé de décembre porte ces opérations :
      | date       | sens   | montant    | référence | libellé                      | tiers                  | code           | bout en bout | motif |
      | 03/12/2026 | crédit | 1 262,50 € | BQ-0001   | COTISATION 2027 AC-2027-0005 | SARL MISTRAL RECYCLAGE | PMNT/RCDT/ESCT |              |       |
      | 04/12/2026 | crédit | 20,00 €    | BQ-0002   | AC-2027-0007 cotisation      | ROUX CAMILLE           | PMNT/RCDT/ESCT |              |       |
      | 05/12/2026 | crédit | 400,00 €   | BQ-0003   | REMISE PRLV SEPA             | GARRIGUE ENVIRONNEMENT | PMNT/IDDT/ESDD | AC-2027-0003 |       |
      | 06/12/2026 | crédit | 75,00 €    | BQ-0004   | DON                          | DUPONT JEAN            | PMNT/RCDT/ESCT |              |       |
      | 07/12/2026 | crédit | 400,00 €   | BQ-0005   | VIREMENT                     | LES HUILES DU VALLON   | PMNT/RCDT/ESCT |              |       |
      | 09/12/2026 | débit  | 400,00 €   | BQ-0006   | REJET PRLV SEPA              | GARRIGUE ENVIRONNEMENT | PMNT/IDDT/UPDD | AC-2027-0003 | AM04  |
      | 10/12/2026 | débit  | 12,00 €    | BQ-0007   | FRAIS TENUE DE COMPTE        |                        | ACMT/MDOP/CHRG |              |       |

  Plan du scénario: le relevé importé deux fois n'enregistre chaque paiement qu'une fois
    Quand la trésorière importe le relevé au format <format>
    Et la trésorière importe encore le relevé au format <format>
    Alors les paiements enregistrés sont :
      | membre   | montant    | moyen       | référence bancaire |
      | MISTRAL  | 1 262,50 € | virement    | BQ-0001            |
      | SAL01    | 20,00 €    | virement    | BQ-0002            |
      | GARRIGUE | 400,00 €   | prélèvement | BQ-0003            |
    Et le second import dit « Rien de nouveau : les 7 ligne(s) de ce relevé sont déjà importées (RLV-2026-0001). »
    Et les lignes en attente sont :
      | montant  | état                | suggestion    |
      | 75,00 €  | sans correspondance |               |
      | 400,00 € | à confirmer         | HUILES-DU-VAL |

    Exemples:
      | format   |
      | CAMT.053 |
      | CSV      |

  Scénario: un prélèvement rejeté annule le prélèvement, l'appel redevient dû
    Quand la trésorière importe le relevé au format CAMT.053
    Alors le rejet RJ-2026-0001 de 400,00 € annule le paiement RG-2026-0003 de GARRIGUE, pour le motif « AM04 — provision insuffisante »
    Et l'appel AC-2027-0003 est « à payer »
    Et GARRIGUE doit 400,00 €

  Scénario: les frais de la banque ne sont pas des paiements
    Quand la trésorière importe le relevé au format CAMT.053
    Alors la ligne de 12,00 € est « ignorée »

  Scénario: la trésorière confirme la suggestion d'un nom approché
    Quand la trésorière importe le relevé au format CAMT.053
    Et elle confirme la ligne de 400,00 € pour HUILES-DU-VAL, appel AC-2027-0004
    Alors l'appel AC-2027-0004 est « payé »
    Et les lignes en attente sont :
      | montant | état                | suggestion |
      | 75,00 € | sans correspondance |            |

  Scénario: la trésorière écarte le don, avec son motif
    Quand la trésorière importe le relevé au format CAMT.053
    Et elle écarte la ligne de 75,00 € : « don, hors cotisations »
    Alors la ligne de 75,00 € est « écartée »
    Et les lignes en attente sont :
      | montant  | état        | suggestion    |
      | 400,00 € | à confirmer | HUILES-DU-VAL |

  Scénario: un fichier qui n'est pas un relevé CAMT.053 est refusé, rien n'est enregistré
    Quand la trésorière importe le fichier « page.xml » :
      """
      <html><body>Relevé de compte</body></html>
      """
    Alors l'opération est refusée avec le message :
      """
      « page.xml » n'est pas un relevé CAMT.053 : l'élément racine est « html » et non « Document »
      """
    Et aucun paiement ni relevé n'est enregistré

  Scénario: un CSV dont une colonne est inconnue est refusé en nommant la ligne et la colonne
    Quand la trésorière importe le relevé au format CSV, la colonne « Solde » titrée « Commentaire »
    Alors l'import est refusé, le message commence par :
      """
      « releve.csv » : ligne 3, colonne 6 « Commentaire » : colonne inconnue du profil « csv-standard »
      """
    Et aucun paiement ni relevé n'est enregistré
