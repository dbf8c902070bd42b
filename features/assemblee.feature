# language: fr
Fonctionnalité: Tenir l'assemblée générale d'une SCIC à quatre collèges
  Le conseil convoque l'assemblée et inscrit les résolutions ; les scrutateurs tiennent la liste
  d'émargement, saisissent les bulletins et les comptes à main levée, puis closent l'assemblée.
  La liste d'émargement est celle des associés détenant des parts à la date d'arrêté (par défaut
  le jour de l'assemblée). Chaque associé a une voix dans son collège ; le résultat d'une
  résolution est la somme, collège par collège, du poids du collège multiplié par la part des
  voix « pour » dans ce collège : un calcul exact, qui se refait à la main.

  Les statuts de ces scénarios (préréglage SCIC SAS) : assemblée ordinaire, quorum d'un
  cinquième des associés en 1re convocation, aucun en 2e, majorité de plus de la moitié des voix
  exprimées ; décision extraordinaire, au moins les deux tiers des voix exprimées. Un collège
  vide, ou sous sa taille minimale, ne compte pas : son poids est redistribué aux autres au
  prorata de leurs poids. Pouvoirs : la règle des SCOP (1 pouvoir par associé en dessous de
  20 associés).

  Dans ce fichier, les espaces sont ordinaires ; le logiciel écrit les pourcentages avec une
  espace insécable avant « % » et après « ≈ ».

  Contexte:
    Étant donné les statuts de l'organisation :
      """yaml
      id: scic-essai
      label: Statuts de la SCIC d'essai
      valid_from: 2020-01-01
      legal_form: scic_sas
      categories:
        - {code: salaries, label: Salariés, kind: employee, registry: [employee]}
        - {code: usagers, label: Usagers, kind: beneficiary, registry: [beneficiary]}
        - {code: producteurs, label: Producteurs, kind: producer, registry: [producer]}
        - {code: partenaires, label: Partenaires, kind: partner, registry: [partner]}
      colleges:
        - {code: salaries, label: Collège des salariés, weight: "30 %", categories: [salaries]}
        - {code: usagers, label: Collège des usagers, weight: "20 %", categories: [usagers]}
        - {code: producteurs, label: Collège des producteurs, weight: "30 %", categories: [producteurs]}
        - {code: partenaires, label: Collège des partenaires, weight: "20 %", categories: [partenaires], minimum_size: 2}
      college_rules:
        empty_college: redistribute
      assemblies:
        preset: scic_sas
      proxies:
        preset: scop
      capital:
        share_value: "10,00"
        paid_at_subscription: "25 %"
      """
    Et nous sommes le 15/03/2027

  Scénario: Le résultat pondéré adopte une résolution que le décompte par tête rejetterait
    # 6 pour et 11 contre par tête ; mais 30 % × 2/3 + 20 % × 1/8 + 30 % × 1 + 20 % × 0
    # = 20 % + 2,5 % + 30 % + 0 % = 52,5 %, plus de la moitié : adoptée.
    Étant donné les associés du collège des salariés : SAL01, SAL02, SAL03
    Et les associés du collège des usagers : USA01, USA02, USA03, USA04, USA05, USA06, USA07, USA08
    Et les associés du collège des producteurs : PRO01, PRO02, PRO03
    Et les associés du collège des partenaires : PAR01, PAR02, PAR03
    Et le conseil a convoqué l'assemblée générale ordinaire du 15/03/2027
    Et le conseil a inscrit la résolution 1 « Approbation des comptes 2026 »
    Et tous les associés sont présents
    Quand les bulletins de la résolution 1 sont :
      | choix  | associés                                                          |
      | pour   | SAL01, SAL02, USA01, PRO01, PRO02, PRO03                          |
      | contre | SAL03, USA02, USA03, USA04, USA05, USA06, USA07, USA08, PAR01, PAR02, PAR03 |
    Alors le quorum est atteint : 17 associés sur 17, il en faut 20 %
    Et la résolution 1 est adoptée
    Et le décompte par tête de la résolution 1 est de 6 pour, 11 contre
    Et le résultat pondéré de la résolution 1 est de 21/40
    Et les collèges de la résolution 1 sont :
      | collège     | pour | contre | base | résultat | poids retenu |
      | salaries    | 2    | 1      | 3    | 2/3      | 30 %         |
      | usagers     | 1    | 7      | 8    | 1/8      | 20 %         |
      | producteurs | 3    | 0      | 3    | 1        | 30 %         |
      | partenaires | 0    | 3      | 3    | 0        | 20 %         |
    Et l'explication de la résolution 1 contient :
      """
      Collège des salariés (poids 30 %) : 2 pour, 1 contre, 0 abstention, 0 blanc ou nul ; 2 sur 3 voix exprimées, soit ≈ 66,67 %
      Collège des usagers (poids 20 %) : 1 pour, 7 contre, 0 abstention, 0 blanc ou nul ; 1 sur 8 voix exprimées, soit 12,50 %
      Résultat pondéré : 30 % × ≈ 66,67 % + 20 % × 12,50 % + 30 % × 100 % + 20 % × 0 % = 52,50 %
      Majorité requise : plus de la moitié des voix exprimées (50 %) → adoptée
      Décompte par tête, tous collèges confondus : 6 pour, 11 contre, 0 abstention, 0 blanc ou nul
      """

  Scénario: Exactement la moitié sous la règle « plus de la moitié » : la résolution est rejetée
    # 30 % × 1 + 20 % × 1 + 30 % × 0 + 20 % × 0 = 50 % : pas plus de la moitié.
    Étant donné trois associés dans chaque collège
    Et le conseil a convoqué l'assemblée générale ordinaire du 15/03/2027
    Et le conseil a inscrit la résolution 1 « Affectation du résultat »
    Et tous les associés sont présents
    Quand les bulletins de la résolution 1 sont :
      | choix  | associés                                       |
      | pour   | SAL01, SAL02, SAL03, USA01, USA02, USA03       |
      | contre | PRO01, PRO02, PRO03, PAR01, PAR02, PAR03       |
    Alors la résolution 1 est rejetée
    Et le résultat pondéré de la résolution 1 est de 50 %
    Et l'explication de la résolution 1 contient :
      """
      Résultat pondéré : 30 % × 100 % + 20 % × 100 % + 30 % × 0 % + 20 % × 0 % = 50 %
      Majorité requise : plus de la moitié des voix exprimées (50 %) → rejetée
      """

  Scénario: Exactement les deux tiers sous la règle « au moins les deux tiers » : la résolution est adoptée
    # Dans chaque collège 2 pour, 1 contre : 2/3 partout, donc exactement 2/3 au total.
    Étant donné trois associés dans chaque collège
    Et le conseil a convoqué l'assemblée générale extraordinaire du 15/03/2027
    Et le conseil a inscrit la résolution 1 « Modification de l'objet social »
    Et tous les associés sont présents
    Quand les bulletins de la résolution 1 sont :
      | choix  | associés                                                 |
      | pour   | SAL01, SAL02, USA01, USA02, PRO01, PRO02, PAR01, PAR02   |
      | contre | SAL03, USA03, PRO03, PAR03                               |
    Alors le quorum est atteint : 12 associés sur 12, il en faut 25 %
    Et la résolution 1 est adoptée
    Et le résultat pondéré de la résolution 1 est de 2/3
    Et l'explication de la résolution 1 contient :
      """
      Résultat pondéré : 30 % × ≈ 66,67 % + 20 % × ≈ 66,67 % + 30 % × ≈ 66,67 % + 20 % × ≈ 66,67 % = ≈ 66,67 %
      Majorité requise : au moins les deux tiers des voix exprimées (≈ 66,67 %) → adoptée
      """

  Scénario: Le poids d'un collège vide est redistribué aux autres au prorata
    # Sans partenaires, 30 + 20 + 30 = 80 : les poids deviennent 30/80 = 37,5 %, 20/80 = 25 %
    # et 37,5 % ; 37,5 % × 1 + 25 % × 0 + 37,5 % × 2/3 = 37,5 % + 25 % = 62,5 %.
    Étant donné les associés du collège des salariés : SAL01, SAL02, SAL03
    Et les associés du collège des usagers : USA01, USA02, USA03
    Et les associés du collège des producteurs : PRO01, PRO02, PRO03
    Et le conseil a convoqué l'assemblée générale ordinaire du 15/03/2027
    Et le conseil a inscrit la résolution 1 « Approbation des comptes 2026 »
    Et tous les associés sont présents
    Quand les bulletins de la résolution 1 sont :
      | choix  | associés                          |
      | pour   | SAL01, SAL02, SAL03, PRO01, PRO02 |
      | contre | USA01, USA02, USA03, PRO03        |
    Alors la résolution 1 est adoptée
    Et le résultat pondéré de la résolution 1 est de 62,5 %
    Et les collèges de la résolution 1 sont :
      | collège     | pour | contre | base | résultat | poids retenu |
      | salaries    | 3    | 0      | 3    | 1        | 37,5 %       |
      | usagers     | 0    | 3      | 3    | 0        | 25 %         |
      | producteurs | 2    | 1      | 3    | 2/3      | 37,5 %       |
      | partenaires | 0    | 0      | 0    | —        | 0 %          |
    Et l'explication de la résolution 1 contient :
      """
      Collège des partenaires (poids 20 %) : non formé (0 inscrit pour un minimum de 2) : poids redistribué
      Poids retenus après redistribution : Collège des salariés 37,50 %, Collège des usagers 25 %, Collège des producteurs 37,50 %
      Résultat pondéré : 37,50 % × 100 % + 25 % × 0 % + 37,50 % × ≈ 66,67 % = 62,50 %
      """

  Scénario: Un collège sous sa taille minimale ne compte pas, même quand ses associés votent
    # Un seul partenaire pour un minimum de 2 : son vote n'est pas compté dans un collège, mais
    # il l'est dans le décompte par tête.
    Étant donné trois associés dans chaque collège, sauf les partenaires : PAR01
    Et le conseil a convoqué l'assemblée générale ordinaire du 15/03/2027
    Et le conseil a inscrit la résolution 1 « Approbation des comptes 2026 »
    Et tous les associés sont présents
    Quand les bulletins de la résolution 1 sont :
      | choix  | associés                                  |
      | pour   | SAL01, PAR01                              |
      | contre | SAL02, SAL03, USA01, USA02, USA03, PRO01, PRO02, PRO03 |
    Alors la résolution 1 est rejetée
    Et le résultat pondéré de la résolution 1 est de 1/8
    Et l'explication de la résolution 1 contient :
      """
      Collège des partenaires (poids 20 %) : non formé (1 inscrit pour un minimum de 2) : poids redistribué
      Poids retenus après redistribution : Collège des salariés 37,50 %, Collège des usagers 25 %, Collège des producteurs 37,50 %
      Décompte par tête, tous collèges confondus : 2 pour, 8 contre, 0 abstention, 0 blanc ou nul
      """

  Scénario: Sans quorum en première convocation rien n'est délibéré ; la deuxième délibère sans quorum
    # 2 présents sur 12 inscrits, soit 16,67 %, moins que le cinquième requis.
    Étant donné trois associés dans chaque collège
    Et le conseil a convoqué l'assemblée générale ordinaire du 15/03/2027
    Et le conseil a inscrit la résolution 1 « Approbation des comptes 2026 »
    Et les présents : SAL01, USA01
    Quand les bulletins de la résolution 1 sont :
      | choix | associés     |
      | pour  | SAL01, USA01 |
    Alors le quorum n'est pas atteint : 2 associés sur 12, il en faut 20 %
    Et l'explication du quorum est :
      """
      2 associés présents, représentés, ayant voté à distance ou par correspondance sur 12 inscrits, soit ≈ 16,67 % ; quorum requis en 1re convocation pour l'assemblée générale ordinaire : 20 % : non atteint
      """
    Et la résolution 1 est non délibérée
    Et l'explication de la résolution 1 contient :
      """
      Quorum non atteint, résolution non délibérée : 2 associés présents, représentés, ayant voté à distance ou par correspondance sur 12 inscrits, soit ≈ 16,67 % ; quorum requis en 1re convocation pour l'assemblée générale ordinaire : 20 % : non atteint
      Majorité requise : plus de la moitié des voix exprimées (50 %) → non délibérée (quorum non atteint)
      """
    Quand le scrutateur clôt l'assemblée
    Alors l'opération est acceptée
    Quand nous sommes le 29/03/2027
    Et le conseil convoque l'assemblée générale ordinaire du 29/03/2027 en deuxième convocation
    Et le conseil a inscrit la résolution 1 « Approbation des comptes 2026 »
    Et les présents : SAL01, USA01
    Et les bulletins de la résolution 1 sont :
      | choix | associés     |
      | pour  | SAL01, USA01 |
    Alors l'assemblée fait suite à la première convocation
    Et le quorum est atteint : 2 associés sur 12, il en faut 0 %
    Et l'explication du quorum est :
      """
      2 associés présents, représentés, ayant voté à distance ou par correspondance sur 12 inscrits, soit ≈ 16,67 % ; aucun quorum requis en 2e convocation pour l'assemblée générale ordinaire
      """
    Et la résolution 1 est adoptée
    Et l'explication de la résolution 1 contient :
      """
      Collège des producteurs (poids 30 %) : 0 pour, 0 contre, 0 abstention, 0 blanc ou nul ; absent (aucune voix) : poids redistribué
      Poids retenus après redistribution : Collège des salariés 60 %, Collège des usagers 40 %
      Résultat pondéré : 60 % × 100 % + 40 % × 100 % = 100 %
      """

  Scénario: Un pouvoir au-delà de la limite des statuts est refusé avec la règle
    # 12 associés, moins de 20 : chacun peut détenir 1 pouvoir.
    Étant donné trois associés dans chaque collège
    Et le conseil a convoqué l'assemblée générale ordinaire du 15/03/2027
    Et les présents : SAL01, USA01
    Alors chaque associé peut détenir 1 pouvoir : « 1 pouvoir par associé en dessous de 20 associés, sinon au plus 1/20 du nombre d'associés (règle des SCOP) »
    Quand SAL02 donne pouvoir à SAL01
    Alors la saisie est acceptée
    Quand SAL03 donne pouvoir à SAL01
    Alors la saisie est refusée avec le motif :
      """
      pouvoir refusé : Associé Sal01 (SAL01) détient déjà 1 pouvoir (SAL02), le maximum à cette assemblée : 1 pouvoir par associé en dessous de 20 associés, sinon au plus 1/20 du nombre d'associés (règle des SCOP), soit 1 pour 12 associés
      """
    Et le champ en cause est « holder »
    Quand SAL03 donne pouvoir à SAL02
    Alors la saisie est refusée avec le motif :
      """
      Associé Sal02 (SAL02) doit d'abord émarger présent ou à distance pour recevoir un pouvoir
      """
    Quand SAL03 donne pouvoir à USA01
    Alors la saisie est acceptée
    Et la liste d'émargement dit :
      | associé | présence    | pouvoir à | pouvoirs détenus |
      | SAL01   | présent     |           | SAL02            |
      | SAL02   | représenté  | SAL01     |                  |
      | SAL03   | représenté  | USA01     |                  |
      | USA01   | présent     |           | SAL03            |
    Et le quorum est atteint : 4 associés sur 12, il en faut 20 %

  Scénario: Le porteur d'un pouvoir vote pour lui et pour son mandant, une seule fois chacun
    Étant donné trois associés dans chaque collège
    Et le conseil a convoqué l'assemblée générale ordinaire du 15/03/2027
    Et le conseil a inscrit la résolution 1 « Approbation des comptes 2026 »
    Et tous les associés sont présents, sauf SAL02 qui a donné pouvoir à SAL01
    Quand SAL01 vote « pour » à la résolution 1
    Alors la saisie est acceptée
    Quand SAL01 vote « contre » à la résolution 1 pour SAL02
    Alors la saisie est acceptée
    Quand SAL01 vote « contre » à la résolution 1
    Alors la saisie est refusée avec le motif :
      """
      Associé Sal01 (SAL01) a déjà voté sur la résolution n° 1
      """
    Et le champ en cause est « voter »
    Et le refus est un conflit
    Quand SAL03 vote « pour » à la résolution 1 pour SAL02
    Alors la saisie est refusée avec le motif :
      """
      un associé vote pour lui-même et pour les associés dont il détient le pouvoir
      """
    Et la résolution 1 a reçu 2 bulletins
    Et le décompte par tête de la résolution 1 est de 1 pour, 1 contre

  Scénario: Un vote à bulletin secret : on sait qui a voté, jamais ce qu'il a voté
    Étant donné trois associés dans chaque collège
    Et le conseil a convoqué l'assemblée générale ordinaire du 15/03/2027
    Et le conseil a inscrit la résolution 1 « Élection du conseil », à bulletin secret
    Et tous les associés sont présents
    Quand SAL01 vote « contre » à la résolution 1
    Alors la saisie est acceptée
    Quand SAL01 vote « pour » à la résolution 1
    Alors la saisie est refusée avec le motif :
      """
      Associé Sal01 (SAL01) a déjà voté sur la résolution n° 1
      """
    Quand les bulletins de la résolution 1 sont :
      | choix  | associés                   |
      | pour   | SAL02, SAL03, USA01, PRO01 |
    Alors la résolution 1 a reçu 5 bulletins
    Et le registre des votes dit que SAL01 a voté à la résolution 1, sans son choix
    Et la résolution 1 est en cours de vote secret
    Et l'explication de la résolution 1 contient :
      """
      Vote secret en cours : 5 bulletins reçus ; les bulletins restent scellés jusqu'à ce que le président clôture le vote sur cette résolution, puis sont ouverts et comptés ensemble
      """
    Quand le président clôt le vote sur la résolution 1
    Alors la saisie est acceptée
    Et le décompte par tête de la résolution 1 est de 4 pour, 1 contre
    Et l'explication de la résolution 1 contient :
      """
      Collège des salariés (poids 30 %) : 2 pour, 1 contre, 0 abstention, 0 blanc ou nul ; 2 sur 3 voix exprimées, soit ≈ 66,67 %
      """

  Scénario: Un vote clos ne reçoit plus de bulletin, et ne se clôt qu'une fois
    Étant donné trois associés dans chaque collège
    Et le conseil a convoqué l'assemblée générale ordinaire du 15/03/2027
    Et le conseil a inscrit la résolution 1 « Élection du conseil », à bulletin secret
    Et tous les associés sont présents
    Quand les bulletins de la résolution 1 sont :
      | choix  | associés     |
      | pour   | SAL01, SAL02 |
      | contre | USA01        |
    Et le président clôt le vote sur la résolution 1
    Alors la résolution 1 a reçu 3 bulletins
    Et le décompte par tête de la résolution 1 est de 2 pour, 1 contre
    Quand SAL03 vote « contre » à la résolution 1
    Alors la saisie est refusée avec le motif :
      """
      le vote sur la résolution n° 1 est clos : plus aucun bulletin ni décompte
      """
    Quand le président clôt le vote sur la résolution 1
    Alors la saisie est refusée avec le motif :
      """
      le vote sur la résolution n° 1 est clos : plus aucun bulletin ni décompte
      """

  Scénario: Un vote à main levée : les scrutateurs saisissent les comptes de chaque collège
    Étant donné trois associés dans chaque collège
    Et le conseil a convoqué l'assemblée générale ordinaire du 15/03/2027
    Et le conseil a inscrit la résolution 1 « Quitus au conseil », à main levée
    Et tous les associés sont présents, sauf PAR03
    Quand les scrutateurs comptent à la résolution 1, collège des partenaires : 2 pour, 1 contre
    Alors la saisie est refusée avec le motif :
      """
      3 voix comptées dans le collège des partenaires pour 2 associés présents, à distance, par correspondance ou représentés
      """
    Et le champ en cause est « counts »
    Quand les scrutateurs comptent à la résolution 1, collège des salariés : 3 pour
    Et les scrutateurs comptent à la résolution 1, collège des usagers : 1 pour, 1 contre, 1 abstention
    Et les scrutateurs comptent à la résolution 1, collège des producteurs : 3 contre
    Et les scrutateurs comptent à la résolution 1, collège des partenaires : 2 pour
    Alors la saisie est acceptée
    Et les comptes de la résolution 1 sont saisis pour les collèges salaries, usagers, producteurs, partenaires
    # 30 % × 1 + 20 % × 1/2 + 30 % × 0 + 20 % × 1 = 60 %
    Et la résolution 1 est adoptée
    Et le résultat pondéré de la résolution 1 est de 60 %
    Et le décompte par tête de la résolution 1 est de 6 pour, 4 contre, 1 abstention

  Scénario: Une fois l'assemblée close, plus rien ne change ; le procès-verbal se signe ensuite
    Étant donné trois associés dans chaque collège
    Et le conseil a convoqué l'assemblée générale ordinaire du 15/03/2027
    Et le conseil a inscrit la résolution 1 « Approbation des comptes 2026 »
    Et tous les associés sont présents
    Et les bulletins de la résolution 1 sont :
      | choix | associés                   |
      | pour  | SAL01, USA01, PRO01, PAR01 |
    Quand Anne Martin signe le procès-verbal comme président de séance
    Alors la saisie est refusée avec le motif :
      """
      le procès-verbal de AG-2027-01 se signe après la clôture de l'assemblée
      """
    Quand le scrutateur clôt l'assemblée
    Alors l'opération est acceptée
    Et l'assemblée est close et la résolution 1 est adoptée
    Et le procès-verbal n'est pas signé
    Quand SAL02 vote « contre » à la résolution 1
    Alors la saisie est refusée avec le motif :
      """
      l'assemblée AG-2027-01 est close : plus rien ne change
      """
    Et le champ en cause est « assembly »
    Quand le scrutateur clôt l'assemblée
    Alors l'opération est refusée avec le motif :
      """
      l'assemblée AG-2027-01 est close : plus rien ne change
      """
    Et le refus est un conflit
    Quand Anne Martin signe le procès-verbal comme président de séance
    Et Paul Durand signe le procès-verbal comme secrétaire
    Alors la saisie est acceptée
    Et le procès-verbal est signé par :
      | rôle                 | nom         |
      | président de séance  | Anne Martin |
      | secrétaire           | Paul Durand |
    Et la résolution 1 est adoptée
