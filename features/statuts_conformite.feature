# language: fr
Fonctionnalité: Conformité des statuts d'une SCIC à la loi
  Avant l'assemblée extraordinaire qui transforme l'association en SCIC, le conseil
  d'administration contrôle son projet de statuts : chaque écart à la loi est un constat, avec
  l'article qui le fonde, la clé du document en cause et un message qui cite les chiffres.
  Une erreur empêche d'adopter les statuts tels quels ; un avertissement demande une
  vérification. Chaque scénario part de statuts conformes et n'en change qu'une chose.

  Contexte:
    Étant donné les statuts conformes suivants :
      """
      id: scic-vallon
      label: Statuts de la SCIC du Vallon
      valid_from: 2027-01-01
      legal_form: scic_sas
      categories:
        - {code: salaries, label: Salariés, kind: employee, registry: [employee]}
        - {code: usagers, label: Usagers, kind: beneficiary, registry: [beneficiary]}
        - {code: producteurs, label: Producteurs, kind: producer, registry: [producer]}
        - {code: soutiens, label: Soutiens, kind: partner, registry: [partner, public_body]}
      colleges:
        - {code: salaries, label: Collège des salariés, weight: "30 %", categories: [salaries]}
        - {code: usagers, label: Collège des usagers, weight: "20 %", categories: [usagers]}
        - {code: producteurs, label: Collège des producteurs, weight: "30 %", categories: [producteurs]}
        - {code: soutiens, label: Collège des soutiens, weight: "20 %", categories: [soutiens]}
      capital:
        share_value: "50,00"
        paid_at_subscription: "25 %"
        paying_delay_years: 5
      surplus:
        legal_reserve: "15 %"
        statutory_reserve: "50 %"
        interest_rate: "2 %"
        ristourne: "0 %"
      """

  Scénario: Des statuts conformes ne donnent aucune erreur
    Quand le conseil contrôle les statuts au 01/01/2027
    Alors le contrôle ne relève aucun constat
    Et les statuts sont conformes

  Scénario: Les collèges sont facultatifs
    Étant donné que la clé « colleges » vaut « [] »
    Quand le conseil contrôle les statuts au 01/01/2027
    Alors le contrôle ne relève aucun constat

  Scénario: Deux catégories d'associés ne suffisent pas
    Étant donné que la clé « colleges » vaut « [] »
    Et que la clé « categories » vaut « [{code: salaries, label: Salariés, kind: employee}, {code: usagers, label: Usagers, kind: beneficiary}] »
    Quand le conseil contrôle les statuts au 01/01/2027
    Alors le contrôle relève une erreur « categories_below_min » à la clé « categories »
    Et l'article cité est « loi n° 47-1775, art. 19 septies »
    Et le message est :
      """
      les statuts prévoient 2 catégories d'associés, moins que le minimum de 3
      """
    Et c'est le seul constat
    Et les statuts ne sont pas conformes

  Scénario: Sans salariés, des producteurs en tiennent lieu, avec un avertissement
    Étant donné que la clé « categories[0].kind » vaut « volunteer »
    Quand le conseil contrôle les statuts au 01/01/2027
    Alors le contrôle relève un avertissement « missing_employees_category » à la clé « categories »
    Et l'article cité est « loi n° 47-1775, art. 19 septies »
    Et le message est :
      """
      aucune catégorie de salariés : admis seulement si la SCIC n'a pas de salariés : les producteurs en tiennent lieu (dites si l'organisation a des salariés pour conclure)
      """
    Et c'est le seul constat
    Et les statuts sont conformes

  Scénario: Des producteurs ne tiennent pas lieu de salariés quand l'organisation a des salariés
    # Art. 19 septies al. 2 : les producteurs, « en l'absence de personnes salariées au sein de
    # la société ». Avoir des salariés est un fait de l'organisation, pas des statuts.
    Étant donné que la clé « categories[0].kind » vaut « volunteer »
    Quand le conseil contrôle les statuts au 01/01/2027 pour une organisation qui a des salariés
    Alors le contrôle relève une erreur « missing_employees_category » à la clé « categories »
    Et l'article cité est « loi n° 47-1775, art. 19 septies, al. 2 (rédaction de la loi n° 2014-856 du 31 juillet 2014) »
    Et le message est :
      """
      aucune catégorie de salariés alors que l'organisation a des salariés : les producteurs ne tiennent lieu de salariés « qu'en l'absence de personnes salariées au sein de la société »
      """
    Et c'est le seul constat
    Et les statuts ne sont pas conformes

  Scénario: Sans salariés dans l'organisation, les producteurs en tiennent lieu sans réserve
    Étant donné que la clé « categories[0].kind » vaut « volunteer »
    Quand le conseil contrôle les statuts au 01/01/2027 pour une organisation qui n'a pas de salariés
    Alors le contrôle ne relève aucun constat

  Scénario: Avant le 2 août 2014, salariés et bénéficiaires étaient tous deux obligatoires
    Étant donné que la clé « legal_form » vaut « scic_sarl »
    Et que la clé « surplus.interest_rate » vaut « null »
    Et que la clé « categories[0].kind » vaut « volunteer »
    Quand le conseil contrôle les statuts au 01/08/2014 pour une organisation qui n'a pas de salariés
    Alors le contrôle relève une erreur « missing_employees_category » à la clé « categories »
    Et l'article cité est « loi n° 47-1775, art. 19 septies, al. 2 (rédaction de la loi n° 2014-856 du 31 juillet 2014) »
    Et le message est :
      """
      aucune catégorie de salariés : au 01/08/2014, une SCIC associe obligatoirement ses salariés et les bénéficiaires habituels de ses biens ou services (les producteurs n'en tiennent lieu que depuis le 02/08/2014)
      """
    Et c'est le seul constat

  Scénario: Ni salariés ni producteurs : erreur
    Étant donné que la clé « categories[0].kind » vaut « volunteer »
    Et que la clé « categories[2].kind » vaut « partner »
    Quand le conseil contrôle les statuts au 01/01/2027
    Alors le contrôle relève une erreur « missing_employees_category » à la clé « categories »
    Et l'article cité est « loi n° 47-1775, art. 19 septies »
    Et le message est :
      """
      aucune catégorie de salariés ni de producteurs : une SCIC associe ses salariés (ou, si elle n'en a pas, les producteurs de ses biens ou services)
      """
    Et c'est le seul constat

  Scénario: Les bénéficiaires habituels sont obligatoires
    Étant donné que la clé « categories[1].kind » vaut « volunteer »
    Quand le conseil contrôle les statuts au 01/01/2027
    Alors le contrôle relève une erreur « missing_beneficiaries_category » à la clé « categories »
    Et l'article cité est « loi n° 47-1775, art. 19 septies »
    Et le message est :
      """
      aucune catégorie de bénéficiaires habituels : une SCIC associe obligatoirement les personnes qui bénéficient habituellement de ses biens ou services
      """
    Et c'est le seul constat

  Scénario: Deux collèges seulement
    Étant donné que la clé « colleges » vaut « [{code: a, label: Collège des travailleurs, weight: "50 %", categories: [salaries, producteurs]}, {code: b, label: Collège des usagers, weight: "50 %", categories: [usagers, soutiens]}] »
    Quand le conseil contrôle les statuts au 01/01/2027
    Alors le contrôle relève une erreur « colleges_below_min » à la clé « colleges »
    Et l'article cité est « loi n° 47-1775, art. 19 octies »
    Et le message est :
      """
      les statuts prévoient 2 collèges, moins que le minimum de 3
      """
    Et c'est le seul constat

  Scénario: Un collège sous 10 %
    Étant donné que les poids des collèges sont « 30 % / 8 % / 42 % / 20 % »
    Quand le conseil contrôle les statuts au 01/01/2027
    Alors le contrôle relève une erreur « college_weight_below_min » à la clé « colleges[1].weight »
    Et l'article cité est « loi n° 47-1775, art. 19 octies »
    Et le message est :
      """
      le collège des usagers pèse 8 %, moins que le minimum de 10 %
      """
    Et c'est le seul constat

  Scénario: Un collège au-dessus de 50 %
    Étant donné que les poids des collèges sont « 60 % / 10 % / 20 % / 10 % »
    Quand le conseil contrôle les statuts au 01/01/2027
    Alors le contrôle relève une erreur « college_weight_above_max » à la clé « colleges[0].weight »
    Et l'article cité est « loi n° 47-1775, art. 19 octies »
    Et le message est :
      """
      le collège des salariés pèse 60 %, plus que le maximum de 50 %
      """
    Et c'est le seul constat

  Scénario: Des poids qui ne font pas 100 %
    Étant donné que les poids des collèges sont « 30 % / 20 % / 30 % / 10 % »
    Quand le conseil contrôle les statuts au 01/01/2027
    Alors le contrôle relève une erreur « college_weights_not_100 » à la clé « colleges »
    Et l'article cité est « loi n° 47-1775, art. 19 octies »
    Et le message est :
      """
      les poids des collèges totalisent 90 % (Collège des salariés 30 %, Collège des usagers 20 %, Collège des producteurs 30 %, Collège des soutiens 10 %), et non 100 %
      """
    Et c'est le seul constat

  Scénario: Le capital n'est jamais un critère de pondération
    Étant donné que la clé « college_rules » vaut « {weighting: capital} »
    Quand le conseil contrôle les statuts au 01/01/2027
    Alors le contrôle relève une erreur « capital_weighting » à la clé « college_rules.weighting »
    Et l'article cité est « loi n° 47-1775, art. 19 octies »
    Et le message est :
      """
      les collèges sont pondérés selon le capital détenu : en SCIC, le capital n'est jamais un critère de pondération des votes
      """
    Et c'est le seul constat

  Scénario: Les collectivités territoriales détiennent plus de la moitié du capital
    Quand le conseil contrôle les statuts au 01/01/2027 avec un capital de 100 000,00 € dont 60 000,00 € aux collectivités territoriales
    Alors le contrôle relève une erreur « public_bodies_capital_above_max » à la clé « capital »
    Et l'article cité est « loi n° 47-1775, art. 19 septies, al. 4 »
    Et le message est :
      """
      les collectivités territoriales détiennent 60 000,00 € sur 100 000,00 € de capital, soit 60 %, plus que le maximum de 50 %
      """
    Et c'est le seul constat

  Scénario: Exactement la moitié du capital aux collectivités territoriales est permis
    Quand le conseil contrôle les statuts au 01/01/2027 avec un capital de 100 000,00 € dont 50 000,00 € aux collectivités territoriales
    Alors le contrôle ne relève aucun constat

  Scénario: Avant le 2 août 2014, les collectivités territoriales étaient limitées à 20 % du capital
    # Une SCIC SAS n'existait pas encore : ces statuts sont ceux d'une SCIC SARL, sans intérêt
    # aux parts (son plafond n'est pas calculé avant le 11/12/2016).
    Étant donné que la clé « legal_form » vaut « scic_sarl »
    Et que la clé « surplus.interest_rate » vaut « null »
    Quand le conseil contrôle les statuts au 01/08/2014 avec un capital de 100 000,00 € dont 30 000,00 € aux collectivités territoriales
    Alors le contrôle relève une erreur « public_bodies_capital_above_max » à la clé « capital »
    Et l'article cité est « loi n° 47-1775, art. 19 septies, al. 4 »
    Et le message est :
      """
      les collectivités territoriales détiennent 30 000,00 € sur 100 000,00 € de capital, soit 30 %, plus que le maximum de 20 %
      """
    Et c'est le seul constat

  Scénario: Une SCIC SA sous le capital minimal
    Étant donné que la clé « legal_form » vaut « scic_sa »
    Et que la clé « capital.minimum » vaut « 10 000,00 »
    Quand le conseil contrôle les statuts au 01/01/2027
    Alors le contrôle relève une erreur « sa_capital_below_min » à la clé « capital.minimum »
    Et l'article cité est « loi n° 47-1775, art. 27 »
    Et le message est :
      """
      les statuts d'une SCIC SA fixent un capital minimal de 10 000,00 € : il doit être d'au moins 18 500,00 €
      """
    Et c'est le seul constat

  Scénario: Moins du quart libéré à la souscription
    Étant donné que la clé « capital.paid_at_subscription » vaut « 20 % »
    Quand le conseil contrôle les statuts au 01/01/2027
    Alors le contrôle relève une erreur « paid_at_subscription_below_min » à la clé « capital.paid_at_subscription »
    Et l'article cité est « loi n° 47-1775, art. 12 »
    Et le message est :
      """
      part de la souscription libérée à la souscription : 20 %, moins que le minimum de 25 %
      """
    Et c'est le seul constat

  Scénario: Plus de cinq ans pour libérer le solde
    Étant donné que la clé « capital.paying_delay_years » vaut « 6 »
    Quand le conseil contrôle les statuts au 01/01/2027
    Alors le contrôle relève une erreur « paying_delay_above_max » à la clé « capital.paying_delay_years »
    Et l'article cité est « loi n° 47-1775, art. 12 »
    Et le message est :
      """
      solde des parts libérable en 6 ans, plus que le maximum de 5 ans
      """
    Et c'est le seul constat

  Scénario: Réserve légale sous 15 %
    Étant donné que la clé « surplus.legal_reserve » vaut « 10 % »
    Quand le conseil contrôle les statuts au 01/01/2027
    Alors le contrôle relève une erreur « legal_reserve_below_min » à la clé « surplus.legal_reserve »
    Et l'article cité est « loi n° 47-1775, art. 16 »
    Et le message est :
      """
      dotation à la réserve légale de 10 % des excédents, moins que le minimum de 15 %
      """
    Et c'est le seul constat

  Scénario: Réserve statutaire sous 50 %
    Étant donné que la clé « surplus.statutory_reserve » vaut « 40 % »
    Quand le conseil contrôle les statuts au 01/01/2027
    Alors le contrôle relève une erreur « statutory_reserve_below_min » à la clé « surplus.statutory_reserve »
    Et l'article cité est « loi n° 47-1775, art. 19 nonies »
    Et le message est :
      """
      dotation à la réserve statutaire de 40 % de ce qui reste après la réserve légale, moins que le minimum de 50 %
      """
    Et c'est le seul constat

  Scénario: Une ristourne est interdite en SCIC
    Étant donné que la clé « surplus.ristourne » vaut « 5 % »
    Quand le conseil contrôle les statuts au 01/01/2027
    Alors le contrôle relève une erreur « ristourne_planned » à la clé « surplus.ristourne »
    Et l'article cité est « loi n° 47-1775, art. 19 nonies »
    Et le message est :
      """
      les statuts prévoient une ristourne de 5 % des excédents : une SCIC ne verse pas de ristourne
      """
    Et c'est le seul constat

  Scénario: Une SAS ne décide pas à moins de la majorité des voix exprimées
    Étant donné que la clé « assemblies » vaut « {ordinary: {label: Assemblée générale ordinaire, convocations: [{quorum: "1/5", majority: "1/2", strict: true, base: votes_cast}, {quorum: 0, majority: "1/2", strict: false, base: votes_cast}], abstention: excluded, blank: excluded}} »
    Quand le conseil contrôle les statuts au 01/01/2027
    Alors le contrôle relève une erreur « sas_majority_below_votes_cast » à la clé « assemblies.ordinary »
    Et l'article cité est « C. com. L227-9 ; Cass. ass. plén., 15 novembre 2024, n° 23-16.670 (au moins la majorité des voix exprimées, toute clause contraire réputée non écrite) »
    Et le message est :
      """
      Assemblée générale ordinaire, convocation n° 2 : majorité d'au moins 50 % ; une décision de SAS exige au moins la majorité des voix exprimées (plus de 50 %)
      """
    Et c'est le seul constat

  Scénario: Une seule valeur nominale de part
    Étant donné que la clé « categories[2].share_value » vaut « 100,00 »
    Quand le conseil contrôle les statuts au 01/01/2027
    Alors le contrôle relève une erreur « several_share_values » à la clé « categories[2].share_value »
    Et l'article cité est « doctrine coopérative (parts égales de la loi n° 47-1775) ; pour une SARL, C. com. L223-2 (parts sociales d'égale valeur nominale) »
    Et le message est :
      """
      les statuts fixent 2 valeurs nominales de part (50,00 €, 100,00 €) : toutes les parts d'une SCIC ont la même valeur nominale
      """
    Et c'est le seul constat

  Scénario: Un intérêt aux parts au-dessus du plafond de l'année
    Étant donné que la clé « surplus.interest_rate » vaut « 5 % »
    Quand le conseil contrôle les statuts au 30/06/2025
    Alors le contrôle relève un avertissement « interest_rate_above_cap » à la clé « surplus.interest_rate »
    Et l'article cité est « loi n° 47-1775, art. 14 (rédaction de la loi n° 2016-1691 du 9 décembre 2016) »
    Et le message est :
      """
      intérêt aux parts de 5 %, plus que le plafond de 4,80 % pour une assemblée tenue en 2025 : l'assemblée de cette année ne pourrait pas le servir
      """
    Et c'est le seul constat
    Et les statuts sont conformes

  Scénario: Sans TMO connu pour l'année, le plafond de l'intérêt n'est pas contrôlé
    Étant donné que la clé « surplus.interest_rate » vaut « 5 % »
    Quand le conseil contrôle les statuts au 01/01/2030
    Alors le contrôle ne relève aucun constat

  Scénario: Une association n'est pas contrôlée comme une SCIC
    Étant donné que la clé « legal_form » vaut « association »
    Quand le conseil contrôle les statuts au 01/01/2027
    Alors le contrôle relève un avertissement « not_a_scic » à la clé « legal_form »
    Et l'article cité est « loi n° 47-1775, titre II ter (sociétés coopératives d'intérêt collectif) »
    Et le message est :
      """
      forme juridique « association loi 1901 » : les règles des SCIC ne s'appliquent pas, aucun contrôle de conformité SCIC n'est fait
      """
    Et c'est le seul constat

  Scénario: Une SCIC ne peut pas être une SAS avant le 2 août 2014
    # Loi n° 2014-856 du 31 juillet 2014, art. 33 : la SAS s'ajoute aux formes de SCIC.
    Quand le conseil contrôle les statuts au 01/08/2014
    Alors le contrôle relève une erreur « scic_sas_not_yet_allowed » à la clé « legal_form »
    Et l'article cité est « loi n° 47-1775, art. 19 quinquies (rédaction de la loi n° 2014-856 du 31 juillet 2014, art. 33) »
    Et le message est :
      """
      au 01/08/2014, une SCIC ne peut pas être une société par actions simplifiée : seulement depuis le 02/08/2014 (loi n° 2014-856 du 31 juillet 2014)
      """
    Et c'est le seul constat
    Et les statuts ne sont pas conformes

  Scénario: Avant le 11 décembre 2016, le plafond de l'intérêt aux parts n'est pas calculé
    # Le 02/08/2014, la SCIC SAS est permise ; l'intérêt de 2 % est signalé, pas comparé à un
    # plafond « moyenne du TMO sur trois ans + 2 points » qui n'existait pas encore.
    Quand le conseil contrôle les statuts au 02/08/2014
    Alors le contrôle relève un avertissement « interest_cap_not_computed » à la clé « surplus.interest_rate »
    Et l'article cité est « loi n° 47-1775, art. 14 (rédaction antérieure à la loi n° 2016-1691) »
    Et le message est :
      """
      intérêt aux parts de 2 % : avant le 11/12/2016, le plafond n'était pas la moyenne du TMO sur trois ans ; il n'est pas calculé, comparez-le au texte alors en vigueur
      """
    Et c'est le seul constat
    Et les statuts sont conformes
