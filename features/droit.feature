# language: fr
Fonctionnalité: Le droit applicable, en paramètres datés
  Les seuils de la loi sont des données datées (rules/law/), chacune avec sa source : une
  question posée sur un jour où la règle n'existait pas encore est refusée plutôt que devinée,
  et un fichier de loi mal écrit est refusé avec le fichier et la clé en cause.

  Plan du scénario: Le plafond de l'intérêt aux parts dépend de l'année de l'assemblée
    # Une moyenne qui ne tombe pas juste en quatre décimales s'écrit arrondie, précédée de « ≈ » ;
    # le calcul, lui, garde la fraction exacte (2017 : 121/3750).
    Quand on demande le plafond de l'intérêt aux parts pour une assemblée tenue en <année>
    Alors le plafond est de « <plafond> »
    Et l'explication cite les six semestres du TMO des années <première> à <dernière>

    Exemples:
      | année | plafond    | première | dernière |
      | 2017  | ≈ 3,2267 % | 2014     | 2016     |
      | 2018  | ≈ 2,9467 % | 2015     | 2017     |
      | 2019  | ≈ 2,9233 % | 2016     | 2018     |
      | 2020  | ≈ 2,8083 % | 2017     | 2019     |
      | 2021  | ≈ 2,4883 % | 2018     | 2020     |
      | 2022  | ≈ 2,2317 % | 2019     | 2021     |
      | 2023  | 2,7475 %   | 2020     | 2022     |
      | 2024  | 3,8025 %   | 2021     | 2023     |
      | 2025  | 4,80 %     | 2022     | 2024     |

  Scénario: Le plafond 2025 expliqué pas à pas
    Quand on demande le plafond de l'intérêt aux parts pour une assemblée tenue en 2025
    Alors l'explication est :
      """
      Plafond de l'intérêt aux parts pour une assemblée tenue en 2025 : moyenne du TMO des années 2022 à 2024 (1er semestre 2022 : 1,325 % ; 2e semestre 2022 : 2,51 % ; 1er semestre 2023 : 3,14 % ; 2e semestre 2023 : 3,37 % ; 1er semestre 2024 : 3,2275 % ; 2e semestre 2024 : 3,2275 %) = 2,80 %, majorée de 2 % = 4,80 %. Source : loi n° 47-1775, art. 14 (rédaction de la loi n° 2016-1691 du 9 décembre 2016).
      """

  Scénario: En SA, les abstentions comptaient contre jusqu'au 20 juillet 2019
    Quand on lit la règle de l'assemblée générale ordinaire d'une SCIC SA au 20/07/2019
    Alors les abstentions comptent contre
    Et les votes blancs ou nuls comptent contre
    Et la majorité se calcule « des voix des associés présents ou représentés »

  Scénario: En SA, depuis le 21 juillet 2019, les abstentions ne sont plus des voix exprimées
    Quand on lit la règle de l'assemblée générale ordinaire d'une SCIC SA au 21/07/2019
    Alors les abstentions ne comptent pas
    Et les votes blancs ou nuls ne comptent pas
    Et la majorité se calcule « des voix exprimées »

  Plan du scénario: Le nombre de pouvoirs par associé selon la règle des SCOP
    Quand l'assemblée compte <associés> associés
    Alors un associé peut détenir au plus <pouvoirs> pouvoir(s)

    Exemples:
      | associés | pouvoirs |
      | 19       | 1        |
      | 43       | 2        |
      | 100      | 5        |

  Scénario: Un paramètre demandé avant sa première date est refusé
    Quand on demande le paramètre « sa_capital_min » au 31/12/2001
    Alors la demande est refusée avec le message :
      """
      « capital minimal d'une SCIC constituée en société anonyme » (sa_capital_min) n'est défini qu'à partir du 01/01/2002 : rien à appliquer au 31/12/2001
      """

  Scénario: Un fichier de loi avec une valeur illisible est refusé avec le fichier et la clé
    Étant donné un dossier de loi où la valeur de « college_weight_min » est « dix pour cent »
    Quand on demande les paramètres en vigueur au 01/01/2027
    Alors la demande est refusée avec le message :
      """
      rules/law/scic.yaml : parameters.college_weight_min.values[0].value : part illisible « dix pour cent » (ex. « 1/4 », « 2/3 », « 15 % »)
      """
    Et le champ refusé est « parameters.college_weight_min.values[0].value »
