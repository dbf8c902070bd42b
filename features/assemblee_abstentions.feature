# language: fr
Fonctionnalité: Les abstentions dans une SCIC SA, avant et après la loi du 19 juillet 2019
  Jusqu'à la loi n° 2019-744, une abstention, un vote blanc ou nul comptait contre dans une
  société anonyme : la majorité se calculait sur les voix des associés présents ou représentés.
  Ensuite, seules comptent les voix exprimées (pour et contre), « à compter des assemblées
  générales réunies pour statuer sur le premier exercice clos après la promulgation » (art. 16
  II, promulgation le 19/07/2019) : la date du changement dépend de l'exercice de
  l'organisation. L'assemblée applique la règle de son jour, sans que les statuts changent.

  Ici, sans collèges : un associé, une voix. Les mêmes bulletins (3 pour, 2 contre,
  2 abstentions) donnent 3/7 ≈ 42,86 % en 2019 (rejetée) et 3/5 = 60 % en 2020 (adoptée).

  Contexte:
    Étant donné les statuts de l'organisation :
      """yaml
      id: scic-sa-essai
      label: Statuts de la SCIC SA d'essai
      valid_from: 2015-01-01
      legal_form: scic_sa
      categories:
        - {code: salaries, label: Salariés, kind: employee, registry: [employee]}
        - {code: usagers, label: Usagers, kind: beneficiary, registry: [beneficiary]}
        - {code: producteurs, label: Producteurs, kind: producer, registry: [producer]}
      assemblies:
        preset: scic_sa
      capital:
        share_value: "10,00"
        paid_at_subscription: "25 %"
      """
    Et nous sommes le 02/01/2019
    Et les associés de la catégorie « Salariés » : SAL01, SAL02, SAL03
    Et les associés de la catégorie « Usagers » : USA01, USA02
    Et les associés de la catégorie « Producteurs » : PRO01, PRO02

  Scénario: Exercice civil : les abstentions comptent contre en 2019, plus à l'assemblée des comptes 2019
    Quand nous sommes le 14/06/2019
    Et le conseil convoque l'assemblée générale ordinaire du 14/06/2019
    Et le conseil a inscrit la résolution 1 « Approbation des comptes 2018 »
    Et tous les associés sont présents
    Et les bulletins de la résolution 1 sont :
      | choix      | associés            |
      | pour       | SAL01, SAL02, USA01 |
      | contre     | SAL03, PRO01        |
      | abstention | USA02, PRO02        |
    Alors la résolution 1 est rejetée
    Et le résultat pondéré de la résolution 1 est de 3/7
    Et la règle de la résolution 1 dit « majorité : plus de la moitié des voix des associés présents ou représentés »
    Et l'explication de la résolution 1 contient :
      """
      Ensemble des associés : 3 pour, 2 contre, 2 abstentions, 0 blanc ou nul ; 3 sur 7 voix des associés présents ou représentés, soit ≈ 42,86 %
      Résultat : 3 pour sur 7 voix des associés présents ou représentés, soit ≈ 42,86 %
      Majorité requise : plus de la moitié des voix des associés présents ou représentés (50 %) → rejetée
      """
    Quand le scrutateur clôt l'assemblée
    Alors l'opération est acceptée
    Quand nous sommes le 15/06/2020
    Et le conseil convoque l'assemblée générale ordinaire du 15/06/2020
    Et le conseil a inscrit la résolution 1 « Approbation des comptes 2019 »
    Et tous les associés sont présents
    Et les bulletins de la résolution 1 sont :
      | choix      | associés            |
      | pour       | SAL01, SAL02, USA01 |
      | contre     | SAL03, PRO01        |
      | abstention | USA02, PRO02        |
    Alors la résolution 1 est adoptée
    Et le résultat pondéré de la résolution 1 est de 60 %
    Et la règle de la résolution 1 dit « majorité : plus de la moitié des voix exprimées »
    Et l'explication de la résolution 1 contient :
      """
      Ensemble des associés : 3 pour, 2 contre, 2 abstentions, 0 blanc ou nul ; 3 sur 5 voix exprimées, soit 60 %
      Résultat : 3 pour sur 5 voix exprimées, soit 60 %
      Majorité requise : plus de la moitié des voix exprimées (50 %) → adoptée
      """

  Scénario: Une société qui clôt au 30 juin : l'assemblée de décembre 2019 suit encore l'ancienne règle
    # Exercice du 1er juillet au 30 juin. L'exercice clos le 30/06/2019 l'est avant le 19/07/2019 :
    # le premier exercice clos après est celui du 30/06/2020. À la main : 3 pour sur 7 présents
    # = 42,86 % le 16/12/2019 (rejetée) ; 3 pour sur 5 exprimées = 60 % le 15/12/2020 (adoptée).
    Étant donné l'exercice de l'organisation s'ouvre le 01/07
    Quand nous sommes le 16/12/2019
    Et le conseil convoque l'assemblée générale ordinaire du 16/12/2019
    Et le conseil a inscrit la résolution 1 « Approbation des comptes de l'exercice clos le 30/06/2019 »
    Et tous les associés sont présents
    Et les bulletins de la résolution 1 sont :
      | choix      | associés            |
      | pour       | SAL01, SAL02, USA01 |
      | contre     | SAL03, PRO01        |
      | abstention | USA02, PRO02        |
    Alors la résolution 1 est rejetée
    Et le résultat pondéré de la résolution 1 est de 3/7
    Et la règle de la résolution 1 dit « majorité : plus de la moitié des voix des associés présents ou représentés »
    Quand le scrutateur clôt l'assemblée
    Alors l'opération est acceptée
    Quand nous sommes le 15/12/2020
    Et le conseil convoque l'assemblée générale ordinaire du 15/12/2020
    Et le conseil a inscrit la résolution 1 « Approbation des comptes de l'exercice clos le 30/06/2020 »
    Et tous les associés sont présents
    Et les bulletins de la résolution 1 sont :
      | choix      | associés            |
      | pour       | SAL01, SAL02, USA01 |
      | contre     | SAL03, PRO01        |
      | abstention | USA02, PRO02        |
    Alors la résolution 1 est adoptée
    Et le résultat pondéré de la résolution 1 est de 60 %
    Et la règle de la résolution 1 dit « majorité : plus de la moitié des voix exprimées »
