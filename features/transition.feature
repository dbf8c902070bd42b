# language: fr
Fonctionnalité: Rapport de transition de l'association vers la SCIC
  Avant l'assemblée extraordinaire qui transforme l'association en SCIC (loi n° 47-1775,
  art. 28 bis), le conseil veut voir chaque membre actuel rangé dans une catégorie et un collège
  du projet de statuts, la taille de chaque collège, le capital que donneraient les
  souscriptions minimales, et ce que la loi ou les statuts y trouveraient à redire.

  Le projet de statuts de la démo (demo-statuts-scic) : une part vaut 50,00 € ; salariés
  2 parts, bénéficiaires 1 part, structures productrices 20 parts, partenaires et bénévoles
  2 parts ; une collectivité souscrit 2 parts jusqu'à 1 000 habitants, puis 1 part par tranche
  de 1 000 habitants commencée. Quatre collèges : salariés 30 %, usagers 20 %, structures
  productrices 30 %, partenaires et collectivités 20 %, chacun d'au moins 3 membres ; le poids
  d'un collège non formé est redistribué aux autres au prorata de leurs poids.

  Contexte:
    Étant donné l'organisation de démonstration chargée

  Scénario: chaque membre de la démo est rangé dans sa catégorie et son collège
    Quand le conseil demande le rapport de transition « demo-statuts-scic » au 01/01/2027
    Alors RESSOURCERIE est dans la catégorie « Structures productrices », au « Collège des structures productrices »
    Et VOL02 est dans la catégorie « Partenaires et bénévoles », au « Collège des usagers » par une clause des statuts
    Et VOL01 est dans la catégorie « Partenaires et bénévoles », au « Collège des partenaires et des collectivités »

  Scénario: la souscription minimale d'une collectivité suit sa population
    # VALLON, 4 800 habitants : 2 parts + 4 tranches commencées au-delà de 1 000 = 6 parts.
    # CC-ALPILLES, 48 000 habitants : 2 parts + 47 tranches = 49 parts.
    Quand le conseil demande le rapport de transition « demo-statuts-scic » au 01/01/2027
    Alors VALLON souscrit au minimum 6 parts, soit 300,00 €
    Et CC-ALPILLES souscrit au minimum 49 parts, soit 2 450,00 €
    Et SAL01 souscrit au minimum 2 parts, soit 100,00 €

  Scénario: la taille des collèges de la démo
    Quand le conseil demande le rapport de transition « demo-statuts-scic » au 01/01/2027
    Alors les collèges sont :
      | collège                                      | membres | poids | poids effectif | fraction | situation |
      | Collège des salariés                         | 10      | 30 %  | 30 %           | 3/10     | formé     |
      | Collège des usagers                          | 21      | 20 %  | 20 %           | 1/5      | formé     |
      | Collège des structures productrices          | 5       | 30 %  | 30 %           | 3/10     | formé     |
      | Collège des partenaires et des collectivités | 7       | 20 %  | 20 %           | 1/5      | formé     |

  Scénario: le capital projeté aux souscriptions minimales et la part des collectivités
    # 10 × 100 + 20 × 50 + 5 × 1 000 + 300 + 2 450 + 6 × 100 = 10 350 € ;
    # collectivités 2 750 € / 10 350 € = 55/207 ≈ 26,57 %, sous le plafond de 50 %.
    Quand le conseil demande le rapport de transition « demo-statuts-scic » au 01/01/2027
    Alors le capital projeté est de 10 350,00 € pour 207 parts
    Et les collectivités territoriales en détiennent 2 750,00 €, soit ≈ 26,57 % (55/207)
    Et aucune catégorie obligatoire n'est vide
    Et le rapport ne relève aucune erreur

  Scénario: une catégorie de bénéficiaires sans aucun membre
    Étant donné un projet de statuts où la catégorie « beneficiaires » ne reprend aucune catégorie du registre
    Quand le conseil demande le rapport de transition « projet-modifie » au 01/01/2027
    Alors la catégorie obligatoire « Bénéficiaires habituels » est vide
    Et le rapport relève l'erreur « mandatory_category_empty » avec l'article « loi n° 47-1775, art. 19 septies »
    Et BEN01 est non classé

  Scénario: des statuts sans catégorie de bénéficiaires
    Étant donné un projet de statuts sans la catégorie « beneficiaires »
    Quand le conseil demande le rapport de transition « projet-modifie » au 01/01/2027
    Alors la catégorie obligatoire des bénéficiaires habituels manque aux statuts
    Et le rapport relève l'erreur « missing_beneficiaries_category » avec l'article « loi n° 47-1775, art. 19 septies »

  Scénario: un collège sous sa taille minimale voit son poids redistribué
    # Sans bénéficiaires, le collège des usagers n'a que VOL02 (1 membre sur 3) : ses 20 % vont
    # aux trois autres au prorata de 30/30/20, soit 30/80, 30/80 et 20/80.
    Étant donné un projet de statuts où la catégorie « beneficiaires » ne reprend aucune catégorie du registre
    Quand le conseil demande le rapport de transition « projet-modifie » au 01/01/2027
    Alors les collèges sont :
      | collège                                      | membres | poids | poids effectif | fraction | situation |
      | Collège des salariés                         | 10      | 30 %  | 37,50 %        | 3/8      | formé     |
      | Collège des usagers                          | 1       | 20 %  | 0 %            | 0        | non formé |
      | Collège des structures productrices          | 5       | 30 %  | 37,50 %        | 3/8      | formé     |
      | Collège des partenaires et des collectivités | 7       | 20 %  | 25 %           | 1/4      | formé     |
    Et le rapport relève l'avertissement « college_below_minimum_size »

  Scénario: un membre dont la catégorie du registre n'est rangée nulle part
    # Les quatre bénévoles ne sont plus rangés : 4 × 2 parts de moins, 10 350 − 400 = 9 950 €.
    Étant donné un projet de statuts où la catégorie « soutiens » ne reprend que « partner »
    Quand le conseil demande le rapport de transition « projet-modifie » au 01/01/2027
    Alors VOL01 est non classé
    Et le rapport relève l'avertissement « member_without_category » pour VOL01
    Et le capital projeté est de 9 950,00 € pour 199 parts

  Scénario: une commune dont la population est inconnue
    Étant donné la commune « ROCHEBLANCHE » inscrite le 01/06/2026 sans population
    Quand le conseil demande le rapport de transition « demo-statuts-scic » au 01/01/2027
    Alors ROCHEBLANCHE n'a pas de souscription minimale calculée
    Et le rapport relève l'avertissement « missing_population » pour ROCHEBLANCHE
    Et le capital projeté est de 10 350,00 € pour 207 parts
