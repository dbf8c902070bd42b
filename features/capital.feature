# language: fr
Fonctionnalité: Tenir le registre des parts sociales de la SCIC
  La trésorière inscrit au registre chaque souscription de parts, chaque libération, chaque
  retrait et chaque remboursement. Rien ne s'efface : une opération est numérotée CAP-année-NNNN
  sans trou, et une opération refusée ne prend aucun numéro. Les statuts fixent la valeur d'une
  part (50,00 €), le quart à libérer à la souscription, le solde dans les 3 ans, le minimum de
  parts par catégorie et le délai de remboursement (12 mois) ; la loi fixe le plancher du capital
  (le quart du capital le plus élevé atteint, art. 13, et pour une SCIC SA 18 500 €, art. 27 ;
  les statuts peuvent fixer un minimum plus haut) et la part maximale des collectivités
  territoriales (50 %, art. 19 septies al. 4).

  Contexte:
    Étant donné les statuts choisis pour l'organisation :
      """yaml
      id: statuts-essai
      label: Statuts d'essai
      valid_from: 2026-01-01
      legal_form: scic_sas
      categories:
        - {code: producteurs, label: Structures productrices, kind: producer, registry: [producer], minimum_subscription: {shares: 4}}
        - {code: salaries, label: Salariés, kind: employee, registry: [employee]}
        - code: collectivites
          label: Collectivités publiques
          kind: public_body
          registry: [public_body]
          minimum_subscription:
            shares: 2
            population: {base_shares: 2, up_to: 1000, per: 1000, shares_per_bracket: 1, bracket: started}
      colleges:
        - {code: producteurs, label: Collège des producteurs, weight: "50 %", categories: [producteurs]}
        - {code: autres, label: Collège des salariés et des collectivités, weight: "50 %", categories: [salaries, collectivites]}
      capital:
        share_value: "50,00"
        paid_at_subscription: "25 %"
        paying_delay_years: 3
        refund_delay_months: 12
      """
    Et les membres :
      | code    | nom                     | catégorie       | adhésion   | population 2026 |
      | ABEILLE | Abeille SCOP            | producer        | 01/03/2019 |                 |
      | BRUYERE | Bruyère SARL            | producer        | 01/03/2019 |                 |
      | VALLON  | Commune de Vallon       | public_body     | 01/03/2019 | 4 800           |
      | BOURG   | Commune de Bourg        | public_body     | 01/03/2019 |                 |
      | CIGALE  | Les Amis de la Cigale   | partner         | 01/03/2019 |                 |
    Et nous sommes le 22/11/2026

  Scénario: Une souscription libère au moins le quart, le solde est dû dans les 3 ans
    Quand ABEILLE souscrit 4 parts le 02/11/2026 en versant 50,00 €
    Alors l'opération est acceptée
    Et l'opération porte le numéro CAP-2026-0001
    Et le registre au 22/11/2026 est :
      | code    | parts | souscrit   | libéré   | reste à libérer | échéance   | retard |
      | ABEILLE | 4     | 200,00 €   | 50,00 €  | 150,00 €        | 02/11/2029 | non    |
    Quand BRUYERE souscrit 4 parts le 02/11/2026 en versant 49,99 €
    Alors le registre refuse :
      """
      il faut libérer au moins 25 % de 200,00 € à la souscription, soit 50,00 € (versé : 49,99 €) — loi n° 47-1775, art. 12
      """
    Et la prochaine opération portera le numéro CAP-2026-0002

  Scénario: Le quart est arrondi au centime supérieur
    Quand ABEILLE souscrit 5 parts le 02/11/2026 en versant 62,49 €
    Alors le registre refuse :
      """
      il faut libérer au moins 25 % de 250,00 € à la souscription, soit 62,50 € (versé : 62,49 €) — loi n° 47-1775, art. 12
      """

  Scénario: Chaque catégorie a son minimum de parts
    Quand BRUYERE souscrit 3 parts le 02/11/2026 en versant 150,00 €
    Alors le registre refuse :
      """
      la catégorie « Structures productrices » demande au moins 4 parts : l'associé en détiendrait 3
      """
    Quand CIGALE souscrit 1 parts le 02/11/2026 en versant 50,00 €
    Alors le registre refuse :
      """
      les statuts « statuts-essai » ne rangent la catégorie du registre « partner » (Les Amis de la Cigale) dans aucune catégorie d'associés
      """

  Scénario: Une commune de 4 800 habitants souscrit 6 parts au moins (tranches commencées)
    # 2 parts jusqu'à 1 000 habitants, puis 1 part par tranche de 1 000 commencée :
    # 3 800 habitants au-delà = 3 tranches complètes et une commencée, soit 2 + 4 = 6 parts.
    Étant donné ABEILLE a souscrit 10 parts le 02/11/2026 en versant 500,00 €
    Quand VALLON souscrit 5 parts le 03/11/2026 en versant 250,00 €
    Alors le registre refuse :
      """
      la catégorie « Collectivités publiques » demande au moins 6 parts : l'associé en détiendrait 5
      """
    Quand VALLON souscrit 6 parts le 03/11/2026 en versant 75,00 €
    Alors l'opération est acceptée
    Quand BOURG souscrit 6 parts le 03/11/2026 en versant 75,00 €
    Alors le registre refuse :
      """
      population inconnue pour Commune de Bourg (BOURG) : la catégorie « Collectivités publiques » fixe son minimum de parts d'après la population (2 parts jusqu'à 1 000 habitants, puis 1 part(s) par tranche de 1 000 habitants commencée) ; enregistrez-la d'abord (gouvernance members facts)
      """

  Scénario: Les collectivités territoriales ne détiennent pas plus de la moitié du capital
    Étant donné ABEILLE a souscrit 10 parts le 02/11/2026 en versant 500,00 €
    Et VALLON a souscrit 6 parts le 03/11/2026 en versant 300,00 €
    # 300 + 250 = 550 € sur 500 + 550 = 1 050 €, soit 52,38 % : au-delà de 50 % (525 €).
    Quand VALLON souscrit 5 parts le 04/11/2026 en versant 250,00 €
    Alors le registre refuse :
      """
      les collectivités territoriales détiendraient 550,00 € sur 1 050,00 € de capital, soit ≈ 52,38 %, au-delà du maximum de 50 % (525,00 €) — loi n° 47-1775, art. 19 septies, al. 4
      """
    Et la prochaine opération portera le numéro CAP-2026-0003
    # Le retrait d'un associé privé peut aussi faire passer les collectivités au-delà.
    Quand ABEILLE retire 5 parts le 04/11/2026
    Alors le registre refuse :
      """
      les collectivités territoriales détiendraient 300,00 € sur 550,00 € de capital, soit ≈ 54,55 %, au-delà du maximum de 50 % (275,00 €) — loi n° 47-1775, art. 19 septies, al. 4
      """
    Et le registre au 22/11/2026 est :
      | code    | parts | souscrit | libéré   | reste à libérer | échéance | retard |
      | ABEILLE | 10    | 500,00 € | 500,00 € | 0,00 €          |          | non    |
      | VALLON  | 6     | 300,00 € | 300,00 € | 0,00 €          |          | non    |

  Scénario: Un retrait qui ferait passer le capital sous le plancher est refusé, sans rien écrire
    Étant donné ABEILLE a souscrit 40 parts le 02/11/2026 en versant 2 000,00 €
    Et BRUYERE a souscrit 4 parts le 03/11/2026 en versant 200,00 €
    # Capital le plus élevé : 2 200 € le 03/11/2026 ; plancher : le quart, 550 €.
    Quand ABEILLE retire 40 parts le 10/11/2026
    Alors le registre refuse :
      """
      le capital tomberait à 200,00 €, sous le plancher de 550,00 € (le quart du capital le plus élevé atteint, 2 200,00 €, le 03/11/2026) — loi n° 47-1775, art. 13
      """
    Et la prochaine opération portera le numéro CAP-2026-0003
    Et le capital au 22/11/2026 est de 2 200,00 €, dont 2 200,00 € libérés
    # Un retrait partiel laisse au moins le minimum de la catégorie (4 parts).
    Quand ABEILLE retire 38 parts le 10/11/2026
    Alors le registre refuse :
      """
      un retrait partiel doit laisser au moins 4 parts (catégorie « Structures productrices ») : il en resterait 2 ; retirez tout ou moins
      """
    Quand ABEILLE retire 30 parts le 10/11/2026
    Alors l'opération est acceptée
    Et l'opération porte le numéro CAP-2026-0003
    Et le capital au 22/11/2026 est de 700,00 €, dont 700,00 € libérés
    Et le capital le plus élevé atteint est de 2 200,00 € le 03/11/2026, et le plancher de 550,00 €

  Scénario: Un retrait ne fait pas passer le capital sous le minimum fixé par les statuts
    Étant donné dans les statuts, « capital.minimum » vaut « 1 000,00 »
    Et ABEILLE a souscrit 40 parts le 02/11/2026 en versant 2 000,00 €
    Et BRUYERE a souscrit 4 parts le 03/11/2026 en versant 200,00 €
    # Plancher de l'art. 13 : le quart de 2 200 €, 550 € ; minimum des statuts : 1 000 €.
    # 30 parts retirées : 2 200 − 1 500 = 700 €, au-dessus du plancher mais sous le minimum.
    Quand ABEILLE retire 30 parts le 10/11/2026
    Alors le registre refuse :
      """
      le capital tomberait à 700,00 €, sous le capital minimal fixé par les statuts de 1 000,00 € — statuts « statuts-essai », capital.minimum
      """
    # 24 parts : 2 200 − 1 200 = 1 000 €, exactement le minimum.
    Quand ABEILLE retire 24 parts le 10/11/2026
    Alors l'opération est acceptée
    Et le capital au 22/11/2026 est de 1 000,00 €, dont 1 000,00 € libérés

  Scénario: Une SCIC SA ne descend pas sous 18 500 € de capital par un retrait
    Étant donné dans les statuts, « legal_form » vaut « scic_sa »
    Et ABEILLE a souscrit 400 parts le 02/11/2026 en versant 20 000,00 €
    # 400 × 50 € = 20 000 € ; 40 parts retirées : 18 000 €, sous les 18 500 € de l'art. 27
    # (le plancher de l'art. 13, le quart de 20 000 €, n'est que de 5 000 €).
    Quand ABEILLE retire 40 parts le 10/11/2026
    Alors le registre refuse :
      """
      le capital tomberait à 18 000,00 €, sous le capital minimal d'une SCIC SA de 18 500,00 € — loi n° 47-1775, art. 27
      """
    Quand ABEILLE retire 30 parts le 10/11/2026
    Alors l'opération est acceptée
    Et le capital au 22/11/2026 est de 18 500,00 €, dont 18 500,00 € libérés

  Scénario: L'État n'entre pas dans le plafond des collectivités territoriales
    # Art. 19 septies al. 4 : seules les collectivités territoriales, leurs groupements et les
    # établissements publics territoriaux sont plafonnés ensemble à 50 % du capital.
    Étant donné les statuts ont aussi la catégorie « État et autres personnes publiques » de type other_public pour la catégorie du registre other_public
    Et ADEME, « Agence de l'État », personne morale de la catégorie du registre other_public
    Et ABEILLE a souscrit 4 parts le 02/11/2026 en versant 200,00 €
    # L'agence de l'État souscrit 600 € : 600 / 800 = 75 % du capital, accepté.
    Quand ADEME souscrit 12 parts le 03/11/2026 en versant 600,00 €
    Alors l'opération est acceptée
    # La commune : 300 € sur 1 100 €, soit ≈ 27,27 %, accepté ; 300 + 250 = 550 € sur 1 350 €,
    # soit ≈ 40,74 % : toujours sous 50 %, l'État ne compte pas avec elle.
    Quand VALLON souscrit 6 parts le 04/11/2026 en versant 300,00 €
    Alors l'opération est acceptée
    Quand VALLON souscrit 5 parts le 05/11/2026 en versant 250,00 €
    Alors l'opération est acceptée
    # 550 + 750 = 1 300 € sur 1 350 + 750 = 2 100 € : ≈ 61,90 %, au-delà de 50 % (1 050 €).
    Quand VALLON souscrit 15 parts le 06/11/2026 en versant 750,00 €
    Alors le registre refuse :
      """
      les collectivités territoriales détiendraient 1 300,00 € sur 2 100,00 € de capital, soit ≈ 61,90 %, au-delà du maximum de 50 % (1 050,00 €) — loi n° 47-1775, art. 19 septies, al. 4
      """

  Scénario: Libérer le solde, et le retard après l'échéance
    Étant donné ABEILLE a souscrit 4 parts le 02/11/2026 en versant 50,00 €
    Quand ABEILLE libère 100,00 € le 10/11/2026
    Alors l'opération est acceptée
    Quand ABEILLE libère 60,00 € le 10/11/2026
    Alors le registre refuse :
      """
      le montant libéré doit être positif et au plus de 50,00 € (reste à libérer)
      """
    Et le registre au 02/11/2029 est :
      | code    | parts | souscrit | libéré   | reste à libérer | échéance   | retard |
      | ABEILLE | 4     | 200,00 € | 150,00 € | 50,00 €         | 02/11/2029 | non    |
    Et le registre au 03/11/2029 est :
      | code    | parts | souscrit | libéré   | reste à libérer | échéance   | retard                |
      | ABEILLE | 4     | 200,00 € | 150,00 € | 50,00 €         | 02/11/2029 | libération en retard  |

  Scénario: Un retrait est remboursé après le délai des statuts, une seule fois
    Étant donné ABEILLE a souscrit 10 parts le 02/11/2026 en versant 500,00 €
    Et BRUYERE a souscrit 10 parts le 02/11/2026 en versant 500,00 €
    Quand BRUYERE retire 10 parts le 16/11/2026
    Alors l'opération est acceptée
    Et l'opération porte le numéro CAP-2026-0003
    Et le retrait rembourse 500,00 € à partir du 16/11/2027
    Quand le retrait CAP-2026-0003 est remboursé le 22/11/2026
    Alors le registre refuse :
      """
      le retrait CAP-2026-0003 est remboursable à partir du 16/11/2027
      """
    Quand nous sommes le 16/11/2027
    Et le retrait CAP-2026-0003 est remboursé le 16/11/2027
    Alors l'opération est acceptée
    Et l'opération porte le numéro CAP-2027-0001
    Quand le retrait CAP-2026-0003 est remboursé le 16/11/2027
    Alors le registre refuse :
      """
      le retrait CAP-2026-0003 a déjà été remboursé (CAP-2027-0001 du 16/11/2027)
      """

  Scénario: Les pertes décidées par l'AG sont déduites du remboursement
    Étant donné ABEILLE a souscrit 10 parts le 02/11/2026 en versant 500,00 €
    Et BRUYERE a souscrit 10 parts le 02/11/2026 en versant 125,00 €
    # Part libérée des 10 parts retirées : 125 € ; pertes : 10 × 3 € = 30 € ; remboursement : 95 €.
    # Les 375 € non libérés sont annulés.
    Quand BRUYERE retire 10 parts le 16/11/2026 avec une perte de 3,00 € par part
    Alors l'opération est acceptée
    Et le retrait rembourse 95,00 € à partir du 16/11/2027
    Et le capital au 22/11/2026 est de 500,00 €, dont 500,00 € libérés

  Scénario: L'attestation de parts sociales
    Étant donné ABEILLE a souscrit 4 parts le 02/11/2026 en versant 50,00 €
    Et ABEILLE a libéré 100,00 € le 10/11/2026
    Alors l'attestation de ABEILLE au 22/11/2026 dit :
      """
      Attestation de parts sociales
      Associé | Abeille SCOP (ABEILLE)
      Catégorie | Structures productrices
      Collège de vote | Collège des producteurs
      Parts détenues | 4 part(s) de 50,00 € de valeur nominale
      Capital souscrit | 200,00 €
      Capital libéré | 150,00 €
      Reste à libérer | 50,00 €, au plus tard le 2 novembre 2029
      CAP-2026-0001 | 02/11/2026 | souscription de 4 part(s) (200,00 €), 50,00 € versés, solde dû le 02/11/2029
      CAP-2026-0002 | 10/11/2026 | libération de 100,00 €
      Fait le 22 novembre 2026.
      """
    Et l'attestation de ABEILLE est un PDF
