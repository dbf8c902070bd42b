# language: fr
Fonctionnalité: Émettre les appels de cotisation à partir du barème voté
  La trésorière émet les appels de l'exercice à partir du barème que l'assemblée générale a
  adopté : un appel par membre redevable, numéroté AC-2027-0001, AC-2027-0002… dans l'ordre des
  codes des membres, tous réunis dans un lot (LOT-2027-01). Chaque appel garde le montant, la
  date d'échéance et l'explication du calcul, ligne par ligne, telle qu'elle était le jour de
  l'émission : modifier ensuite le barème ou les chiffres d'un membre ne change pas un appel émis.

  Le barème de ces scénarios est volontairement simple, pour refaire chaque calcul à la main :
  un producteur paie 200,00 € sous 100 000 € de chiffre d'affaires 2026, et 0,1 % de son
  chiffre d'affaires au-delà ; les autres membres paient 50,00 €.
    - ABEILLE (80 000 € de chiffre d'affaires) : 200,00 € ;
    - BRUYERE (300 000 €) : 0,1 % × 300 000 € = 300,00 € ;
    - CIGALE (partenaire) : 50,00 € ;
  soit 550,00 € en tout.

  Dans ce fichier, les espaces sont ordinaires ; le logiciel écrit les montants avec une espace
  fine insécable entre les milliers et une espace insécable avant « € ».

  Contexte:
    Étant donné un registre avec les membres :
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

  Scénario: émettre les appels de l'exercice : un appel par membre, dans l'ordre des codes
    Quand j'émets les appels du barème « bareme-2027 », datés du 01/02/2027, à payer au 31/03/2027
    Alors le lot LOT-2027-01 est créé : 3 appels, 550,00 € en tout, à payer au 31/03/2027
    Et le lot LOT-2027-01 a été émis par « claire » selon la décision « AG du 14 novembre 2026, résolution 2 »
    Et les appels du lot LOT-2027-01 sont :
      | référence    | membre  | montant  | statut  |
      | AC-2027-0001 | ABEILLE | 200,00 € | à payer |
      | AC-2027-0002 | BRUYERE | 300,00 € | à payer |
      | AC-2027-0003 | CIGALE  | 50,00 €  | à payer |
    Et l'explication de l'appel AC-2027-0002 dit :
      """
      catégorie « producteurs » : chiffre d'affaires 2026 (300 000,00 €) : tranche « à partir de 100 000,00 € » → 0,1 % × 300 000,00 € = 300,00 €
      """
    Et l'explication de l'appel AC-2027-0001 dit :
      """
      catégorie « producteurs » : chiffre d'affaires 2026 (80 000,00 €) : tranche « à partir de 0,00 € et moins de 100 000,00 € » → 200,00 €
      """
    Et l'explication de l'appel AC-2027-0003 dit :
      """
      autres catégories : montant fixe 50,00 €
      """

  Scénario: émettre deux fois la même demande ne crée qu'un seul lot
    # Un double clic, ou une demande renvoyée après une coupure : tout le monde est déjà appelé,
    # la réponse redonne le lot existant et rien n'est émis une seconde fois.
    Étant donné que les appels du barème « bareme-2027 » ont été émis le 01/02/2027, à payer au 31/03/2027
    Quand j'émets les appels du barème « bareme-2027 », datés du 01/02/2027, à payer au 31/03/2027
    Alors aucun nouveau lot n'est créé : la réponse redonne le lot LOT-2027-01
    Et l'exercice 2027 compte 1 lot et 3 appels
    Et les appels du lot LOT-2027-01 sont :
      | référence    | membre  | montant  | statut  |
      | AC-2027-0001 | ABEILLE | 200,00 € | à payer |
      | AC-2027-0002 | BRUYERE | 300,00 € | à payer |
      | AC-2027-0003 | CIGALE  | 50,00 €  | à payer |

  Scénario: un barème que l'assemblée n'a pas adopté ne permet pas d'appeler les cotisations
    Étant donné le fichier de barème « projet-2028.yaml » :
      """yaml
      id: projet-2028
      label: Projet de barème 2028
      fiscal_year: 2028
      facts_year: N-1
      fee:
        amount: "30,00"
      """
    Quand j'émets les appels du barème « projet-2028 », datés du 01/02/2027, à payer au 31/03/2027
    Alors l'émission est refusée avec le message :
      """
      le barème « projet-2028 » n'est pas adopté : les appels partent d'un barème voté par l'assemblée (clé « adopted » de projet-2028.yaml : date et décision)
      """
    Et l'exercice 2028 compte 0 lot et 0 appel

  Scénario: un membre sans chiffre d'affaires arrête l'émission ; sans lui, les autres sont appelés, puis lui à son tour
    # Un chiffre qui manque n'est jamais compté pour zéro. La trésorière peut émettre sans les
    # membres incomplets : ils sont nommés, et la demande suivante, une fois leurs chiffres
    # enregistrés, les appelle dans un lot complémentaire, à la suite de la numérotation.
    Étant donné que le membre suivant est aussi inscrit :
      | code     | nom          | catégorie   | adhésion   | chiffre d'affaires 2026 |
      | DAUPHINE | Dauphine SAS | producteurs | 01/03/2019 |                         |
    Quand j'émets les appels du barème « bareme-2027 », datés du 01/02/2027, à payer au 31/03/2027
    Alors l'émission est refusée avec le message :
      """
      1 membre(s) sans les données nécessaires au barème : complétez-les, ou émettez sans eux et appelez-les plus tard (option --exclude-incomplete, exclude_incomplete dans l'API)
      """
    Et le refus nomme :
      """
      Dauphine SAS (DAUPHINE) : donnée manquante — chiffre d'affaires 2026
      """
    Et l'exercice 2027 compte 0 lot et 0 appel
    Quand j'émets les appels du barème « bareme-2027 », datés du 01/02/2027, à payer au 31/03/2027, sans les membres incomplets
    Alors le lot LOT-2027-01 est créé : 3 appels, 550,00 € en tout, à payer au 31/03/2027
    Et l'émission a laissé de côté :
      """
      Dauphine SAS (DAUPHINE) : donnée manquante — chiffre d'affaires 2026
      """
    Quand le chiffre d'affaires 2026 de DAUPHINE est enregistré : 150 000,00 €
    Et j'émets les appels du barème « bareme-2027 », datés du 01/02/2027, à payer au 31/03/2027
    Alors le lot LOT-2027-02 est créé : 1 appel, 150,00 € en tout, à payer au 31/03/2027
    Et les appels du lot LOT-2027-02 sont :
      | référence    | membre   | montant  | statut  |
      | AC-2027-0004 | DAUPHINE | 150,00 € | à payer |
    Et l'exercice 2027 compte 2 lots et 4 appels

  Scénario: modifier le barème ou les chiffres d'un membre après l'émission ne change pas les appels émis
    Étant donné que les appels du barème « bareme-2027 » ont été émis le 01/02/2027, à payer au 31/03/2027
    Quand le chiffre d'affaires 2026 de ABEILLE est enregistré : 150 000,00 €
    Et le fichier de barème « bareme-2027.yaml » est réécrit ainsi :
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
          producer: "999,00"
          default: "80,00"
      """
    Alors l'appel AC-2027-0003 demande toujours 50,00 €
    Et l'explication de l'appel AC-2027-0003 dit :
      """
      autres catégories : montant fixe 50,00 €
      """
    Et l'appel AC-2027-0001 demande toujours 200,00 €
    Et l'explication de l'appel AC-2027-0001 dit :
      """
      catégorie « producteurs » : chiffre d'affaires 2026 (80 000,00 €) : tranche « à partir de 0,00 € et moins de 100 000,00 € » → 200,00 €
      """
    Et le lot LOT-2027-01 compte toujours 3 appels, 550,00 € en tout
