# language: fr
Fonctionnalité: Le plancher de la loi et les règles de vote des collèges que fixent les statuts
  Une clause des statuts contraire à une règle impérative est réputée non écrite : une décision
  de SAS exige au moins la majorité des voix exprimées (C. com. L227-9, lu par la Cour de
  cassation en assemblée plénière le 15 novembre 2024). Convoquer une assemblée sur de tels
  statuts le dit à la convocation et au procès-verbal, et le décompte applique la loi.

  Certains statuts de SCIC disent aussi comment un collège vote : une abstention y compte comme un
  consentement (« pour »), et un collège dont la part de « pour » dépasse un seuil porte tout son
  poids pour la résolution, tout son poids contre sinon (vote bloqué). Les comptes se refont à
  la main.

  Dans ce fichier, les espaces sont ordinaires ; le logiciel écrit les pourcentages avec une
  espace insécable avant « % » et après « ≈ ».

  Scénario: Une SAS aux statuts d'un tiers des voix : le décompte rejette tout de même 46 % de « pour »
    # 6 pour, 7 contre : 6/13 ≈ 46,15 %. Les statuts (au moins un tiers) adopteraient ; la loi
    # exige plus de la moitié des voix exprimées : rejetée.
    Étant donné les statuts de l'organisation :
      """yaml
      id: scic-sas-tiers
      label: Statuts d'une SCIC SAS au tiers des voix
      valid_from: 2020-01-01
      legal_form: scic_sas
      categories:
        - {code: salaries, label: Salariés, kind: employee, registry: [employee]}
        - {code: usagers, label: Usagers, kind: beneficiary, registry: [beneficiary]}
        - {code: producteurs, label: Producteurs, kind: producer, registry: [producer]}
      assemblies:
        ordinary:
          label: Assemblée générale ordinaire
          convocations:
            - {quorum: 0, majority: "1/3", strict: false, base: votes_cast}
          abstention: excluded
          blank: excluded
      capital:
        share_value: "10,00"
      """
    Et nous sommes le 02/01/2027
    Et les associés de la catégorie « Salariés » : SAL01, SAL02, SAL03, SAL04, SAL05
    Et les associés de la catégorie « Usagers » : USA01, USA02, USA03, USA04
    Et les associés de la catégorie « Producteurs » : PRO01, PRO02, PRO03, PRO04
    Quand nous sommes le 15/03/2027
    Et le conseil convoque l'assemblée générale ordinaire du 15/03/2027
    Alors la convocation avertit que les statuts ne sont pas conformes à la loi :
      """
      Assemblée générale ordinaire, convocation n° 1 : majorité d'au moins ≈ 33,33 % ; une décision de SAS exige au moins la majorité des voix exprimées (plus de 50 %)
      """
    Quand le conseil a inscrit la résolution 1 « Approbation des comptes 2026 »
    Et tous les associés sont présents
    Et les bulletins de la résolution 1 sont :
      | choix  | associés                                   |
      | pour   | SAL01, SAL02, SAL03, SAL04, SAL05, USA01   |
      | contre | USA02, USA03, USA04, PRO01, PRO02, PRO03, PRO04 |
    Alors la règle de la résolution 1 dit « aucun quorum requis ; majorité : plus de la moitié des voix exprimées (loi : C. com. L227-9 »
    Et la résolution 1 est rejetée
    Et le résultat pondéré de la résolution 1 est de 6/13
    Et l'explication de la résolution 1 contient :
      """
      Résultat : 6 pour sur 13 voix exprimées, soit ≈ 46,15 %
      Majorité requise : plus de la moitié des voix exprimées (50 %) → rejetée
      """
    Et une ligne de l'explication de la résolution 1 contient :
      """
      Les statuts fixent la majorité à au moins ≈ 33,33 % des voix exprimées : cette clause est réputée non écrite, car la loi exige pour une décision de SAS plus de la moitié des voix exprimées (C. com. L227-9 ; Cass. ass. plén., 15 novembre 2024, n° 23-16.670
      ; le décompte applique la règle de la loi
      """
    Et le procès-verbal constate :
      """
      Constat : les statuts ne sont pas conformes à la loi au jour de l'assemblée : Assemblée générale ordinaire, convocation n° 1 : majorité d'au moins ≈ 33,33 %
      Une clause contraire à la loi est réputée non écrite : le décompte applique la majorité légale (C. com. L227-9
      """

  Scénario: Un vote bloqué : chaque collège porte tout son poids d'un côté
    # Au-delà de 60 % de « pour », tout le poids du collège va pour, sinon contre :
    # salariés 2/3 ≈ 66,67 % → pour ; usagers 1/3 → contre ; producteurs 2/3 → pour ;
    # partenaires 0 → contre. 30 % × 100 % + 20 % × 0 % + 30 % × 100 % + 20 % × 0 % = 60 % : adoptée.
    # Sans vote bloqué : 30 % × 2/3 + 20 % × 1/3 + 30 % × 2/3 = 46,67 % : elle serait rejetée.
    Étant donné les statuts de l'organisation :
      """yaml
      id: scic-bloc
      label: Statuts de la SCIC au vote bloqué
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
        - {code: partenaires, label: Collège des partenaires, weight: "20 %", categories: [partenaires]}
      college_rules:
        block_vote: {threshold: "60 %", strict: true}
      assemblies:
        preset: scic_sas
      capital:
        share_value: "10,00"
      """
    Et nous sommes le 15/03/2027
    Et trois associés dans chaque collège
    Et le conseil a convoqué l'assemblée générale ordinaire du 15/03/2027
    Et le conseil a inscrit la résolution 1 « Approbation des comptes 2026 »
    Et tous les associés sont présents
    Quand les bulletins de la résolution 1 sont :
      | choix  | associés                                  |
      | pour   | SAL01, SAL02, USA01, PRO01, PRO02         |
      | contre | SAL03, USA02, USA03, PRO03, PAR01, PAR02, PAR03 |
    Alors la résolution 1 est adoptée
    Et le résultat pondéré de la résolution 1 est de 60 %
    Et l'explication de la résolution 1 contient :
      """
      Collège des salariés (poids 30 %) : 2 pour, 1 contre, 0 abstention, 0 blanc ou nul ; 2 sur 3 voix exprimées, soit ≈ 66,67 % ; vote bloqué (plus de 60 % de « pour » : atteint) : le collège porte tout son poids pour la résolution
      Collège des usagers (poids 20 %) : 1 pour, 2 contre, 0 abstention, 0 blanc ou nul ; 1 sur 3 voix exprimées, soit ≈ 33,33 % ; vote bloqué (plus de 60 % de « pour » : non atteint) : le collège porte tout son poids contre la résolution
      Résultat pondéré : 30 % × 100 % (vote bloqué) + 20 % × 0 % (vote bloqué) + 30 % × 100 % (vote bloqué) + 20 % × 0 % (vote bloqué) = 60 %
      Majorité requise : plus de la moitié des voix exprimées (50 %) → adoptée
      Décompte par tête, tous collèges confondus : 5 pour, 7 contre, 0 abstention, 0 blanc ou nul
      """
    Et le procès-verbal constate :
      """
      Vote bloqué : un collège qui réunit plus de 60 % de « pour » porte tout son poids pour la résolution, sinon tout son poids contre (statuts).
      """

  Scénario: Dans un collège, l'abstention compte comme un consentement
    # Salariés : 1 pour, 2 abstentions → 3/3 = 100 % ; usagers : 1 pour, 1 contre, 1 abstention
    # → 2/3 ; producteurs : 1 pour, 2 contre → 1/3 ; partenaires : 3 contre → 0.
    # 30 % × 100 % + 20 % × 2/3 + 30 % × 1/3 + 20 % × 0 = 30 + 13,33 + 10 = 53,33 % : adoptée.
    # Si l'abstention ne comptait pas : 30 % × 1 + 20 % × 1/2 + 30 % × 1/3 = 50 % : rejetée.
    Étant donné les statuts de l'organisation :
      """yaml
      id: scic-consentement
      label: Statuts de la SCIC au consentement
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
        - {code: partenaires, label: Collège des partenaires, weight: "20 %", categories: [partenaires]}
      college_rules:
        abstention_as_consent: true
      assemblies:
        preset: scic_sas
      capital:
        share_value: "10,00"
      """
    Et nous sommes le 15/03/2027
    Et trois associés dans chaque collège
    Et le conseil a convoqué l'assemblée générale ordinaire du 15/03/2027
    Et le conseil a inscrit la résolution 1 « Approbation des comptes 2026 »
    Et tous les associés sont présents
    Quand les bulletins de la résolution 1 sont :
      | choix      | associés                            |
      | pour       | SAL01, USA01, PRO01                 |
      | contre     | USA02, PRO02, PRO03, PAR01, PAR02, PAR03 |
      | abstention | SAL02, SAL03, USA03                 |
    Alors la résolution 1 est adoptée
    Et le résultat pondéré de la résolution 1 est de 8/15
    Et l'explication de la résolution 1 contient :
      """
      Collège des salariés (poids 30 %) : 1 pour, 0 contre, 2 abstentions, 0 blanc ou nul ; 3 (dont 2 abstentions comptées « pour » : les statuts comptent l'abstention dans un collège comme un consentement) sur 3 voix exprimées, soit 100 %
      Collège des usagers (poids 20 %) : 1 pour, 1 contre, 1 abstention, 0 blanc ou nul ; 2 (dont 1 abstention comptée « pour » : les statuts comptent l'abstention dans un collège comme un consentement) sur 3 voix exprimées, soit ≈ 66,67 %
      Résultat pondéré : 30 % × 100 % + 20 % × ≈ 66,67 % + 30 % × ≈ 33,33 % + 20 % × 0 % = ≈ 53,33 %
      Majorité requise : plus de la moitié des voix exprimées (50 %) → adoptée
      Décompte par tête, tous collèges confondus : 3 pour, 6 contre, 3 abstentions, 0 blanc ou nul
      """
