# language: fr
Fonctionnalité: Simuler l'affectation des excédents de l'exercice
  Avant l'assemblée qui approuve les comptes, le conseil simule l'affectation de l'excédent net,
  dans l'ordre de la loi : la réserve légale (15 % tant que les réserves sont inférieures au
  capital, loi n° 47-1775, art. 16), la réserve statutaire (au moins 50 % de ce qui reste,
  art. 19 nonies), l'intérêt aux parts sociales libérées (plafonné par le TMO, art. 14, jamais
  pris sur les subventions, encouragements et autres moyens financiers des collectivités
  publiques, de leurs groupements et des associations, art. 19 nonies, et refusé tant que des
  pertes antérieures ne sont pas apurées), puis le solde aux réserves impartageables. Une SCIC ne
  verse pas de ristourne.

  Les minimums légaux sont arrondis au centime supérieur (un arrondi ne doit jamais les faire
  passer sous la loi) ; l'intérêt est arrondi au centime inférieur (il ne doit jamais dépasser
  son plafond). Le capital est lu dans le registre au 31/12 de l'exercice ; l'assemblée se tient
  le 30/06 de l'année suivante. Le plafond de l'intérêt pour une assemblée tenue en 2025 est de
  4,80 % (moyenne du TMO 2022–2024, 2,80 %, plus deux points).

  Contexte:
    Étant donné la SCIC « Alpilles Essai » et ses statuts : réserve légale 15 %, réserve statutaire 50 %, intérêt aux parts 2 %, ristourne 0 %
    Et nous sommes le 15/06/2025
    Et les associés ont souscrit au capital, parts de 50,00 € :
      | code  | nom          | catégorie | souscription | parts | libéré   |
      | BEN01 | Louise Petit | usagers   | 10/01/2024   | 10    | 500,00 € |
      | SAL01 | Camille Roux | salariés  | 10/01/2024   | 10    | 500,00 € |
      | SAL02 | Jean Martin  | salariés  | 10/01/2024   | 10    | 500,00 € |

  Scénario: une affectation complète, dont les lignes font exactement l'excédent
    Quand le conseil simule l'affectation de l'excédent 2024 de 10 000,00 €, réserves 0,00 €, subventions 0,00 €
    Alors la simulation est acceptée
    Et l'affectation est :
      | ligne                                                  | montant    |
      | Réserve légale                                         | 1 500,00 € |
      | Réserve statutaire                                     | 4 250,00 € |
      | Intérêts aux parts sociales                            | 30,00 €    |
      | Affectation complémentaire aux réserves impartageables | 4 220,00 € |
    Et les lignes totalisent 10 000,00 €, dont 9 970,00 € aux réserves
    Et les intérêts aux parts sont :
      | associé | nom          | capital libéré | intérêt |
      | BEN01   | Louise Petit | 500,00 €       | 10,00 € |
      | SAL01   | Camille Roux | 500,00 €       | 10,00 € |
      | SAL02   | Jean Martin  | 500,00 €       | 10,00 € |
    Et la ligne « Intérêts aux parts sociales » s'explique ainsi :
      """
      2 % du capital libéré de 1 500,00 € = 30,00 € (plafond légal : 4,80 % pour une assemblée tenue en 2025) — loi n° 47-1775, art. 14 (rédaction de la loi n° 2016-1691 du 9 décembre 2016)
      """

  Scénario: la réserve légale est arrondie au centime supérieur, jamais sous les 15 %
    # 15 % de 100,03 € = 15,0045 € : arrondi au plus proche, 15,00 € serait sous la loi.
    Quand le conseil simule l'affectation de l'excédent 2024 de 100,03 €, réserves 0,00 €, subventions 0,00 €
    Alors l'affectation est :
      | ligne                                                  | montant |
      | Réserve légale                                         | 15,01 € |
      | Réserve statutaire                                     | 42,51 € |
      | Intérêts aux parts sociales                            | 30,00 € |
      | Affectation complémentaire aux réserves impartageables | 12,51 € |
    Et la ligne « Réserve légale » s'explique ainsi :
      """
      Réserves (0,00 €) inférieures au capital souscrit (1 500,00 €) : 15 % de l'excédent de 100,03 € = 15,0045 €, arrondi au centime supérieur : 15,01 € (minimum légal) — loi n° 47-1775, art. 16
      """

  Scénario: la réserve statutaire est elle aussi arrondie au centime supérieur
    # 15 % de 100,07 € = 15,0105 € → 15,02 € ; 50 % de 85,05 € = 42,525 € → 42,53 €.
    Quand le conseil simule l'affectation de l'excédent 2024 de 100,07 €, réserves 0,00 €, subventions 0,00 €
    Alors l'affectation est :
      | ligne                                                  | montant |
      | Réserve légale                                         | 15,02 € |
      | Réserve statutaire                                     | 42,53 € |
      | Intérêts aux parts sociales                            | 30,00 € |
      | Affectation complémentaire aux réserves impartageables | 12,52 € |
    Et la ligne « Réserve statutaire » s'explique ainsi :
      """
      50 % de l'excédent restant après la réserve légale (100,07 € − 15,02 € = 85,05 €) = 42,525 €, arrondi au centime supérieur : 42,53 € (minimum légal) — loi n° 47-1775, art. 19 nonies
      """

  Scénario: des réserves qui atteignent déjà le capital dispensent de réserve légale
    Quand le conseil simule l'affectation de l'excédent 2024 de 1 000,00 €, réserves 2 000,00 €, subventions 0,00 €
    Alors l'affectation est :
      | ligne                                                  | montant  |
      | Réserve légale                                         | 0,00 €   |
      | Réserve statutaire                                     | 500,00 € |
      | Intérêts aux parts sociales                            | 30,00 €  |
      | Affectation complémentaire aux réserves impartageables | 470,00 € |
    Et la ligne « Réserve légale » s'explique ainsi :
      """
      Les réserves (2 000,00 €) atteignent déjà le capital souscrit (1 500,00 €) : pas de dotation obligatoire à la réserve légale — loi n° 47-1775, art. 16
      """

  Scénario: un taux d'intérêt au-dessus du plafond est refusé, le plafond lui-même est permis
    Quand le conseil simule l'affectation de l'excédent 2024 de 10 000,00 €, réserves 0,00 €, subventions 0,00 €, au taux de 5 %
    Alors la simulation est refusée avec un message qui commence par :
      """
      le taux d'intérêt demandé (5 %) dépasse le plafond légal de 4,80 %. Plafond de l'intérêt aux parts pour une assemblée tenue en 2025 : moyenne du TMO des années 2022 à 2024
      """
    Et le champ en cause est « interest_rate »
    Quand le conseil simule l'affectation de l'excédent 2024 de 10 000,00 €, réserves 0,00 €, subventions 0,00 €, au taux de 4,80 %
    Alors la ligne « Intérêts aux parts sociales » vaut 72,00 €

  Scénario: les subventions publiques ne servent pas à payer l'intérêt aux parts
    # 100,03 − 15,01 − 42,51 − 20,00 de subventions = 22,51 €, moins que 2 % de 1 500 € (30 €).
    Quand le conseil simule l'affectation de l'excédent 2024 de 100,03 €, réserves 0,00 €, subventions 20,00 €
    Alors l'affectation est :
      | ligne                                                  | montant |
      | Réserve légale                                         | 15,01 € |
      | Réserve statutaire                                     | 42,51 € |
      | Intérêts aux parts sociales                            | 22,51 € |
      | Affectation complémentaire aux réserves impartageables | 20,00 € |
    Et la ligne « Intérêts aux parts sociales » s'explique ainsi :
      """
      2 % du capital libéré de 1 500,00 € = 30,00 € (plafond légal : 4,80 % pour une assemblée tenue en 2025), limité à ce que l'excédent laisse après les réserves, hors subventions, encouragements et autres moyens financiers des collectivités publiques, de leurs groupements et des associations (100,03 € − 15,01 € − 42,51 € − 20,00 € d'aides publiques et associatives, au moins 0,00 €) : 22,51 € — loi n° 47-1775, art. 14 (rédaction de la loi n° 2016-1691 du 9 décembre 2016)
      """

  Scénario: l'aide d'une association compte comme une subvention publique : pas d'intérêt pris dessus
    # Une association du territoire a donné 90,00 € : 100,03 − 15,01 − 42,51 − 90,00 < 0,
    # il ne reste rien pour l'intérêt, tout le solde va aux réserves impartageables.
    Quand le conseil simule l'affectation de l'excédent 2024 de 100,03 €, réserves 0,00 €, aides publiques et associatives 90,00 €
    Alors la ligne « Intérêts aux parts sociales » vaut 0,00 €

  Scénario: pas d'intérêt aux parts tant que des pertes antérieures ne sont pas apurées
    Quand le conseil simule l'affectation de l'excédent 2024 de 10 000,00 €, réserves 0,00 €, subventions 0,00 €, pertes antérieures non apurées 1 200,00 €
    Alors la simulation est refusée avec le message :
      """
      intérêt aux parts refusé : des pertes antérieures de 1 200,00 € ne sont pas encore apurées ; aucun intérêt ne peut être servi avant qu'elles soient absorbées (simulez avec un taux de 0 %) — loi n° 47-1775, art. 14 et 19 nonies (intérêt pris sur les excédents nets, après imputation des pertes antérieures)
      """
    Et le champ en cause est « losses_brought_forward »

  Scénario: avec des pertes antérieures, une affectation sans intérêt reste possible
    Quand le conseil simule l'affectation de l'excédent 2024 de 10 000,00 €, réserves 0,00 €, subventions 0,00 €, pertes antérieures non apurées 1 200,00 €, au taux de 0 %
    Alors la ligne « Intérêts aux parts sociales » vaut 0,00 €

  Scénario: l'intérêt se répartit au plus fort reste, le centime restant va au premier code
    # 0,20 € d'excédent, pas de réserve légale : 0,10 € de réserve statutaire, 0,10 € d'intérêt
    # pour trois parts libérées égales : 0,0333… chacun, le centime restant va à BEN01.
    Quand le conseil simule l'affectation de l'excédent 2024 de 0,20 €, réserves 2 000,00 €, subventions 0,00 €
    Alors la ligne « Intérêts aux parts sociales » vaut 0,10 €
    Et les intérêts aux parts sont :
      | associé | nom          | capital libéré | intérêt |
      | BEN01   | Louise Petit | 500,00 €       | 0,04 €  |
      | SAL01   | Camille Roux | 500,00 €       | 0,03 €  |
      | SAL02   | Jean Martin  | 500,00 €       | 0,03 €  |

  Scénario: seul le capital libéré au 31/12 de l'exercice porte intérêt
    # SAL02 souscrit et libère 10 parts de plus le 10/01/2025 : après la clôture de 2024.
    Étant donné que SAL02 souscrit 10 parts de plus le 10/01/2025, libérées de 500,00 €
    Quand le conseil simule l'affectation de l'excédent 2024 de 10 000,00 €, réserves 0,00 €, subventions 0,00 €
    Alors la ligne « Intérêts aux parts sociales » vaut 30,00 €
    Et les intérêts aux parts sont :
      | associé | nom          | capital libéré | intérêt |
      | BEN01   | Louise Petit | 500,00 €       | 10,00 € |
      | SAL01   | Camille Roux | 500,00 €       | 10,00 € |
      | SAL02   | Jean Martin  | 500,00 €       | 10,00 € |

  Scénario: une perte n'est pas un excédent
    Quand le conseil simule l'affectation de l'excédent 2024 de -2 500,00 €, réserves 0,00 €, subventions 0,00 €
    Alors la simulation est refusée avec le message :
      """
      pas d'excédent à affecter : l'exercice présente une perte (-2 500,00 €)
      """
    Et le champ en cause est « surplus »

  Scénario: des statuts qui prévoient une ristourne sont refusés
    Étant donné que les statuts sont modifiés : ristourne 10 %
    Quand le conseil simule l'affectation de l'excédent 2024 de 1 000,00 €, réserves 0,00 €, subventions 0,00 €
    Alors la simulation est refusée avec le message :
      """
      les statuts prévoient une ristourne de 10 % des excédents : une SCIC ne peut pas verser de ristourne (loi n° 47-1775, art. 19 nonies)
      """

  Scénario: un adhérent ne peut pas simuler l'affectation
    Quand un adhérent simule l'affectation de l'excédent 2024 de 1 000,00 €, réserves 0,00 €, subventions 0,00 €
    Alors la simulation est refusée avec le message :
      """
      le rôle adhérent ne permet pas de simuler l'affectation des excédents (conseil d'administration, trésorier ou administrateur)
      """
