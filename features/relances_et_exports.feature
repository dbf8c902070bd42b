# language: fr
Fonctionnalité: Relancer les appels impayés et remettre les fichiers au comptable et à la banque
  Les relances suivent l'échelle écrite dans rules/calls/relances.yaml : un premier rappel
  15 jours après l'échéance, une deuxième relance à 45 jours, une dernière à 90 jours. Un appel
  monte d'un niveau à la fois ; un appel payé ou annulé n'est plus relancé. Chaque relance
  envoyée est enregistrée : la demander de nouveau le lendemain n'envoie rien de plus.

  Les exports : le fichier des écritures comptables (FEC) pour l'expert-comptable, les appels en
  CSV pour un tableur, et le fichier de prélèvement SEPA pour la banque, qui ne prend que les
  membres ayant signé un mandat.

  Les appels de 2027 partent le 01/02/2027, à payer au 31/03/2027 :
    - AC-2027-0001, ABEILLE : 200,00 € ;
    - AC-2027-0002, BRUYERE : 300,00 € (0,1 % de 300 000 €) ;
    - AC-2027-0003, CIGALE : 50,00 €.
  Le premier rappel est donc dû à partir du 15/04/2027 (31/03/2027 + 15 jours).

  Contexte:
    Étant donné l'organisation « Réseau des Cigales », association, SIREN « 552 100 554 », à Arles
    Et un registre avec les membres :
      | code    | nom                   | catégorie               | adhésion   | chiffre d'affaires 2026 |
      | ABEILLE | Abeille SCOP          | producteurs             | 01/03/2019 | 80 000,00 €             |
      | BRUYERE | Bruyère SARL          | producteurs             | 01/03/2019 | 300 000,00 €            |
      | CIGALE  | Les Amis de la Cigale | partenaires et soutiens | 01/03/2019 |                         |
    Et le fichier de barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Barème 2027 par tranches de chiffre d'affaires
      adopted:
        date: 2026-11-14
        decision: AG du 14 novembre 2026, résolution 2
      fiscal_year: 2027
      facts_year: N-1
      fee:
        by_category:
          producer:
            brackets:
              base: revenue
              grid:
                - {to: "100000", amount: "200,00"}
                - {from: "100000", rate: "0,1 %"}
          default: "50,00"
      """
    Et nous sommes le 01/02/2027
    Et les appels du barème « bareme-2027 » ont été émis le 01/02/2027, à payer au 31/03/2027

  # --- Relances ------------------------------------------------------------------------------

  Scénario: les relances dues le jour venu ; envoyées, elles ne repartent pas le lendemain
    Étant donné que nous sommes le 20/03/2027
    Et que ABEILLE a payé 80,00 € par virement le 10/02/2027
    Et que CIGALE a payé 50,00 € par chèque le 15/03/2027
    Quand nous sommes le 14/04/2027
    Alors aucune relance n'est à envoyer
    Quand nous sommes le 15/04/2027
    Alors les relances à envoyer sont :
      | appel        | membre  | niveau | relance        | reste dû |
      | AC-2027-0001 | ABEILLE | 1      | Premier rappel | 120,00 € |
      | AC-2027-0002 | BRUYERE | 1      | Premier rappel | 300,00 € |
    Et l'appel AC-2027-0003, payé, n'est pas relancé
    Quand j'envoie les relances
    Alors 2 relances sont envoyées, leurs lettres réunies dans un seul PDF
    Et l'appel AC-2027-0001 a reçu la relance de niveau 1 le 15/04/2027
    Et l'appel AC-2027-0002 a reçu la relance de niveau 1 le 15/04/2027
    Quand nous sommes le 16/04/2027
    Alors aucune relance n'est à envoyer
    Quand j'envoie les relances
    Alors aucune relance n'est envoyée

  Scénario: un appel monte d'un niveau à la fois dans l'échelle des relances
    # Le 20/05/2027, l'échéance est dépassée de 50 jours : le délai de la deuxième relance
    # (45 jours) est passé, mais le premier rappel n'est jamais parti : c'est lui qui part.
    Étant donné que nous sommes le 20/05/2027
    Et que CIGALE a payé 50,00 € par chèque le 15/03/2027
    Alors les relances à envoyer sont :
      | appel        | membre  | niveau | relance        | reste dû |
      | AC-2027-0001 | ABEILLE | 1      | Premier rappel | 200,00 € |
      | AC-2027-0002 | BRUYERE | 1      | Premier rappel | 300,00 € |
    Quand j'envoie les relances
    Et nous sommes le 18/06/2027
    Alors aucune relance n'est à envoyer
    Quand nous sommes le 19/06/2027
    Alors les relances à envoyer sont :
      | appel        | membre  | niveau | relance          | reste dû |
      | AC-2027-0001 | ABEILLE | 2      | Deuxième relance | 200,00 € |
      | AC-2027-0002 | BRUYERE | 2      | Deuxième relance | 300,00 € |

  Scénario: la lettre de relance rappelle ce qui reste à payer
    Étant donné que nous sommes le 15/04/2027
    Et que ABEILLE a payé 80,00 € par virement le 10/02/2027
    Et que les relances du jour ont été envoyées
    Quand j'ouvre la lettre de relance de niveau 1 de l'appel AC-2027-0001
    Alors la lettre dit « Premier rappel »
    Et la lettre dit « Montant appelé 200,00 € »
    Et la lettre dit « Paiements reçus 80,00 € »
    Et la lettre dit « Reste dû 120,00 € »
    Et la lettre dit « nous vous remercions de bien vouloir régler la somme de 120,00 € dès que possible »

  # --- Exports -------------------------------------------------------------------------------

  Scénario: le FEC de l'exercice : 18 colonnes, autant de débit que de crédit, les cotisations au compte 7561
    # Une association range ses cotisations au compte 7561 « Cotisations sans contrepartie »
    # (règlement ANC n° 2018-06) ; la dette de chaque membre est au 411000, à son code.
    # Trois appels (550,00 €) et un règlement (50,00 €) : 8 lignes, 600,00 € au débit et au crédit.
    # Les écritures sont numérotées sans trou dans chaque journal (CO000001, CO000002…) ; la
    # pièce est la référence de l'appel ou du règlement.
    Étant donné que nous sommes le 20/03/2027
    Et que CIGALE a payé 50,00 € par chèque le 15/03/2027
    Quand j'exporte le FEC du 01/01/2027 au 31/12/2027
    Alors le fichier s'appelle « 552100554-extrait-FEC-20270101-20271231.txt »
    Et la première ligne du FEC nomme les 18 colonnes, dans l'ordre :
      """
      JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise
      """
    Et le FEC compte 8 lignes d'écritures, de 18 champs chacune
    Et le total des débits du FEC est de 600,00 €, égal au total des crédits
    Et les lignes de la pièce AC-2027-0001 sont :
      | journal | écriture | date     | compte | libellé du compte             | compte auxiliaire | débit  | crédit |
      | CO      | CO000001 | 20270201 | 411000 | Adhérents                     | ABEILLE           | 200,00 | 0,00   |
      | CO      | CO000001 | 20270201 | 7561   | Cotisations sans contrepartie |                   | 0,00   | 200,00 |
    Et les lignes de la pièce RG-2027-0001 sont :
      | journal | écriture | date     | compte | libellé du compte | compte auxiliaire | débit | crédit |
      | BQ      | BQ000001 | 20270315 | 512    | Banque            |                   | 50,00 | 0,00   |
      | BQ      | BQ000001 | 20270315 | 411000 | Adhérents         | CIGALE            | 0,00  | 50,00  |

  Scénario: le FEC lettre un appel et les règlements qui le soldent, pas un appel payé en partie
    # ABEILLE paie ses 200,00 € en deux fois (120,00 € puis 80,00 €) : l'appel et les deux
    # règlements s'annulent sur son compte 411000, ils portent la lettre AAA, datée du dernier
    # règlement. BRUYERE n'a payé que 100,00 € de ses 300,00 € : rien n'est lettré chez elle.
    Étant donné que nous sommes le 20/03/2027
    Et que ABEILLE a payé 120,00 € par virement le 10/02/2027
    Et que ABEILLE a payé 80,00 € par chèque le 15/03/2027
    Et que BRUYERE a payé 100,00 € par virement le 12/02/2027
    Quand j'exporte le FEC du 01/01/2027 au 31/12/2027
    Alors les lignes du compte 411000 sont lettrées ainsi :
      | pièce        | compte auxiliaire | débit  | crédit | lettre | date de lettrage |
      | AC-2027-0001 | ABEILLE           | 200,00 | 0,00   | AAA    | 20270315         |
      | AC-2027-0002 | BRUYERE           | 300,00 | 0,00   |        |                  |
      | AC-2027-0003 | CIGALE            | 50,00  | 0,00   |        |                  |
      | RG-2027-0001 | ABEILLE           | 0,00   | 120,00 | AAA    | 20270315         |
      | RG-2027-0003 | BRUYERE           | 0,00   | 100,00 |        |                  |
      | RG-2027-0002 | ABEILLE           | 0,00   | 80,00  | AAA    | 20270315         |
    Et le total des débits du FEC est de 850,00 €, égal au total des crédits

  Scénario: les appels en CSV, avec les en-têtes en français et où chacun en est
    Étant donné que nous sommes le 20/03/2027
    Et que ABEILLE a payé 80,00 € par virement le 10/02/2027
    Quand j'exporte les appels en CSV
    Alors la première ligne du fichier est :
      """
      référence;lot;code membre;nom;exercice;nature;émis le;échéance;montant appelé (€);avoirs (€);payé (€);reste dû (€);statut;jours de retard
      """
    Et le fichier compte 3 appels
    Et la ligne de l'appel AC-2027-0001 est :
      """
      AC-2027-0001;LOT-2027-01;ABEILLE;Abeille SCOP;2027;cotisation;01/02/2027;31/03/2027;200,00;0,00;80,00;120,00;partiellement payé;0
      """

  Scénario: le prélèvement SEPA ne prend que les membres qui ont signé un mandat, pour ce qu'ils doivent encore
    Étant donné que nous sommes le 20/03/2027
    Et que l'organisation est payée sur l'IBAN « FR76 3000 6000 0112 3456 7890 189 », BIC « AGRIFRPP », identifiant créancier SEPA « FR72ZZZ123456 »
    Et que BRUYERE a signé le 15/01/2027 le mandat « RUM-BRUYERE-01 », IBAN « FR14 2004 1010 0505 0001 3M02 606 », BIC « PSSTFRPPMAR »
    Et que ABEILLE a signé le 15/01/2027 le mandat « RUM-ABEILLE-01 », IBAN « FR14 2004 1010 0505 0001 3M02 606 », BIC « PSSTFRPPMAR »
    Et que ABEILLE a payé 80,00 € par virement le 10/02/2027
    Quand j'exporte le prélèvement SEPA à la date du 31/03/2027
    Alors le fichier SEPA prélève :
      | appel        | mandat         | montant  | séquence |
      | AC-2027-0001 | RUM-ABEILLE-01 | 120,00 € | FRST     |
      | AC-2027-0002 | RUM-BRUYERE-01 | 300,00 € | FRST     |
    Et le fichier SEPA totalise 420,00 € en 2 prélèvements
