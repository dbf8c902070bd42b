# language: fr
Fonctionnalité: Calculer la cotisation d'un membre selon le barème voté, et l'expliquer
  Le barème est écrit dans un fichier (YAML) que le bureau propose et que l'assemblée générale vote.
  Pour chaque membre, le logiciel donne le montant de la cotisation et son explication,
  ligne par ligne, avec les chiffres utilisés : la trésorière doit pouvoir refaire chaque calcul
  à la main et trouver le même montant, au centime près.

  Ordre des opérations, pour chaque élément du barème : exonérations, puis le calcul lui-même,
  puis le plancher, puis le plafond. Pour la cotisation entière : le prorata temporis, puis la
  déduction des contributions en nature (jamais en dessous de zéro), puis l'arrondi.

  Un pourcentage s'applique une seule fois et le résultat est arrondi au centime, la moitié vers
  le haut. Un chiffre qui manque n'est jamais compté pour zéro : la cotisation n'est pas calculée
  et le manque est signalé.

  Dans ce fichier, les espaces sont ordinaires ; le logiciel écrit les montants avec une espace
  fine insécable entre les milliers et une espace insécable avant « € ». L'apostrophe de
  « jusqu'à » est l'apostrophe droite ('), comme partout ailleurs dans les explications.

  Les cotisations de l'exercice 2027 se calculent sur les comptes de 2026 (« facts_year: N-1 »).

  # --- Montants fixes ------------------------------------------------------------------------

  Scénario: une cotisation forfaitaire, la même pour tous
    Étant donné le barème suivant :
      """yaml
      id: forfait
      label: Cotisation forfaitaire
      fiscal_year: 2027
      facts_year: N-1
      fee:
        amount: "120,00"
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   |
      | MISTRAL | Mistral SCOP | producteurs | 01/03/2019 |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation est de 120,00 €
    Et l'explication dit :
      """
      montant fixe 120,00 €
      """
    Et MISTRAL est redevable pour l'exercice 2027

  Plan du scénario: un montant par catégorie, et un montant par défaut pour les autres : <catégorie>
    # Une catégorie peut recevoir un montant, ou une règle entière (ici, les collectivités paient
    # 0,10 € par habitant). « default » vaut pour toutes les catégories non citées.
    Étant donné le barème suivant :
      """yaml
      id: par-categorie
      label: Cotisation par catégorie
      fiscal_year: 2027
      facts_year: N-1
      fee:
        by_category:
          producer: "400,00"
          public_body:
            per_unit: {amount: "0,10", base: population}
          default: "20,00"
      """
    Et les membres suivants :
      | code   | nom   | catégorie   | adhésion   | population 2026 |
      | <code> | <nom> | <catégorie> | 01/03/2019 | <population>    |
    Quand on calcule la cotisation de <code>
    Alors la cotisation est de <cotisation>
    Et l'explication dit :
      """
      <explication>
      """

    Exemples:
      | code    | nom                   | catégorie               | population | cotisation | explication                                                                                   |
      | MISTRAL | Mistral SCOP          | producteurs             |            | 400,00 €   | catégorie « producteurs » : montant fixe 400,00 €                                             |
      | VILLE   | Commune de Saint-Rémy | collectivités territoriales | 4 800      | 480,00 €   | catégorie « collectivités territoriales » : 0,10 € × 4 800 habitants (population 2026) = 480,00 € |
      | CAMILLE | Camille Martin        | bénévoles               |            | 20,00 €    | autres catégories : montant fixe 20,00 €                                                      |

  Scénario: une catégorie pour laquelle le barème ne prévoit rien : pas de montant, le manque est signalé
    Étant donné le barème suivant :
      """yaml
      id: sans-defaut
      label: Cotisation des structures
      fiscal_year: 2027
      facts_year: N-1
      fee:
        by_category:
          producer: "400,00"
          partner: "400,00"
      """
    Et les membres suivants :
      | code    | nom            | catégorie | adhésion   |
      | CAMILLE | Camille Martin | bénévoles | 01/03/2019 |
    Quand on calcule la cotisation de CAMILLE
    Alors la cotisation ne peut pas être calculée
    Et l'explication dit :
      """
      aucun montant prévu pour la catégorie « bénévoles »
      """

  Scénario: une cotisation mensuelle, comptée sur douze mois
    # « monthly » compte les mois de la période du barème : ici l'exercice 2027 entier, douze mois.
    Étant donné le barème suivant :
      """yaml
      id: mensuelle
      label: Cotisation mensuelle
      fiscal_year: 2027
      facts_year: N-1
      fee:
        monthly: "30,00"
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   |
      | MISTRAL | Mistral SCOP | producteurs | 01/03/2019 |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation est de 360,00 €
    Et l'explication dit :
      """
      30,00 € par mois × 12 mois = 360,00 €
      """

  Plan du scénario: une cotisation mensuelle compte les mois de la période, pas toujours douze : <cas>
    # Un premier exercice de six mois (janvier à juin 2027) : 30 € × 6 mois = 180 €.
    # Qui adhère le 1er avril 2027 est membre avril, mai et juin : 180 € × 3/6 = 90 €.
    Étant donné le barème suivant :
      """yaml
      id: mensuelle-6-mois
      label: Cotisation mensuelle, exercice de six mois
      fiscal_year: 2027
      facts_year: N-1
      period: {start: "2027-01-01", end: "2027-06-30"}
      prorata: month
      fee:
        monthly: "30,00"
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   |
      | MISTRAL | Mistral SCOP | producteurs | <adhésion> |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation est de <cotisation>
    Et le résumé dit :
      """
      <résumé>
      """

    Exemples:
      | cas                     | adhésion   | cotisation | résumé                                                                                                   |
      | membre toute la période | 01/03/2019 | 180,00 €   | 30,00 € par mois × 6 mois = 180,00 €                                                                     |
      | adhère le 01/04/2027    | 01/04/2027 | 90,00 €    | 30,00 € par mois × 6 mois = 180,00 € ; prorata temporis : membre 3 mois sur 6 → 180,00 € × 3/6 = 90,00 € |

  # --- Tranches ------------------------------------------------------------------------------

  Plan du scénario: tranches bornées par « from » (à partir de) et « to » (moins de) : chiffre d'affaires de <ca>
    # « to: 100000 » veut dire « moins de 100 000 € » : un chiffre d'affaires de 100 000,00 € tout
    # rond tombe dans la tranche suivante, celle qui commence « à partir de 100 000 € ».
    # La dernière tranche est un taux : 0,1 % de tout le chiffre d'affaires.
    Étant donné le barème suivant :
      """yaml
      id: tranches-from-to
      label: Barème par tranches de chiffre d'affaires
      fiscal_year: 2027
      facts_year: N-1
      fee:
        brackets:
          base: revenue
          grid:
            - {to: "100000", amount: "150,00"}
            - {from: "100000", to: "500000", amount: "400,00"}
            - {from: "500000", rate: "0,1 %"}
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   | chiffre d'affaires 2026 |
      | MISTRAL | Mistral SCOP | producteurs | 01/03/2019 | <ca>                    |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation est de <cotisation>
    Et l'explication dit :
      """
      chiffre d'affaires 2026 (<ca>) : tranche « <tranche> » → <calcul>
      """

    Exemples:
      | ca           | tranche                                           | calcul                          | cotisation |
      | 99 999,99 €  | à partir de 0,00 € et moins de 100 000,00 €       | 150,00 €                        | 150,00 €   |
      | 100 000,00 € | à partir de 100 000,00 € et moins de 500 000,00 € | 400,00 €                        | 400,00 €   |
      | 499 999,99 € | à partir de 100 000,00 € et moins de 500 000,00 € | 400,00 €                        | 400,00 €   |
      | 500 000,00 € | à partir de 500 000,00 €                          | 0,1 % × 500 000,00 € = 500,00 € | 500,00 €   |
      | 800 000,00 € | à partir de 500 000,00 €                          | 0,1 % × 800 000,00 € = 800,00 € | 800,00 €   |

  Plan du scénario: tranches bornées par « above » (plus de) et « up_to » (jusqu'à) : chiffre d'affaires de <ca>
    # « up_to: 100000 » veut dire « jusqu'à 100 000 € compris » : 100 000,00 € tout rond reste
    # dans la première tranche ; la suivante commence « plus de 100 000 € », soit dès 100 000,01 €.
    Étant donné le barème suivant :
      """yaml
      id: tranches-above-up-to
      label: Barème par tranches de chiffre d'affaires
      fiscal_year: 2027
      facts_year: N-1
      fee:
        brackets:
          base: revenue
          grid:
            - {up_to: "100000", amount: "150,00"}
            - {above: "100000", up_to: "500000", amount: "400,00"}
            - {above: "500000", amount: "1000,00"}
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   | chiffre d'affaires 2026 |
      | MISTRAL | Mistral SCOP | producteurs | 01/03/2019 | <ca>                    |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation est de <cotisation>
    Et l'explication dit :
      """
      chiffre d'affaires 2026 (<ca>) : tranche « <tranche> » → <cotisation>
      """

    Exemples:
      | ca           | tranche                                      | cotisation |
      | 100 000,00 € | à partir de 0,00 € et jusqu'à 100 000,00 €   | 150,00 €   |
      | 100 000,01 € | plus de 100 000,00 € et jusqu'à 500 000,00 € | 400,00 €   |
      | 500 000,00 € | plus de 100 000,00 € et jusqu'à 500 000,00 € | 400,00 €   |
      | 500 000,01 € | plus de 500 000,00 €                         | 1 000,00 € |

  Plan du scénario: une grille qui commence au-dessus de zéro : chiffre d'affaires de <ca>
    # La grille commence à 10 000 € : en dessous, aucune tranche ne s'applique et la cotisation
    # est nulle. La dernière tranche reste ouverte : au-delà, il n'y a pas de trou.
    Étant donné le barème suivant :
      """yaml
      id: tranches-seuil
      label: Barème à partir de 10 000 € de chiffre d'affaires
      fiscal_year: 2027
      facts_year: N-1
      fee:
        brackets:
          base: revenue
          grid:
            - {from: "10000", to: "100000", amount: "150,00"}
            - {from: "100000", amount: "400,00"}
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   | chiffre d'affaires 2026 |
      | MISTRAL | Mistral SCOP | producteurs | 01/03/2019 | <ca>                    |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation est de <cotisation>
    Et l'explication dit :
      """
      <explication>
      """

    Exemples:
      | ca             | cotisation | explication                                                                                                     |
      | 9 999,99 €     | 0,00 €     | chiffre d'affaires 2026 (9 999,99 €) sous la première tranche → 0,00 €                                          |
      | 10 000,00 €    | 150,00 €   | chiffre d'affaires 2026 (10 000,00 €) : tranche « à partir de 10 000,00 € et moins de 100 000,00 € » → 150,00 € |
      | 5 000 000,00 € | 400,00 €   | chiffre d'affaires 2026 (5 000 000,00 €) : tranche « à partir de 100 000,00 € » → 400,00 €                      |

  Plan du scénario: une tranche qui a un libellé est nommée par son libellé : chiffre d'affaires de <ca>
    Étant donné le barème suivant :
      """yaml
      id: tranches-libelles
      label: Barème par taille de structure
      fiscal_year: 2027
      facts_year: N-1
      fee:
        brackets:
          base: revenue
          grid:
            - {to: "100000", amount: "150,00", label: petites structures}
            - {from: "100000", rate: "0,1 %", label: grandes structures}
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   | chiffre d'affaires 2026 |
      | MISTRAL | Mistral SCOP | producteurs | 01/03/2019 | <ca>                    |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation est de <cotisation>
    Et l'explication dit :
      """
      chiffre d'affaires 2026 (<ca>) : tranche « <tranche> » → <calcul>
      """

    Exemples:
      | ca           | tranche            | calcul                          | cotisation |
      | 60 000,00 €  | petites structures | 150,00 €                        | 150,00 €   |
      | 800 000,00 € | grandes structures | 0,1 % × 800 000,00 € = 800,00 € | 800,00 €   |

  Scénario: un barème marginal, comme l'impôt : chaque part du chiffre d'affaires a son taux
    # 250 000 € de chiffre d'affaires : les premiers 100 000 € à 0,5 % font 500 € ;
    # les 150 000 € au-delà, à 0,2 %, font 300 € ; en tout 800 €.
    Étant donné le barème suivant :
      """yaml
      id: marginal
      label: Barème marginal sur le chiffre d'affaires
      fiscal_year: 2027
      facts_year: N-1
      fee:
        brackets:
          base: revenue
          mode: marginal
          grid:
            - {up_to: "100000", rate: "0,5 %"}
            - {above: "100000", rate: "0,2 %"}
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   | chiffre d'affaires 2026 |
      | MISTRAL | Mistral SCOP | producteurs | 01/03/2019 | 250 000,00 €            |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation est de 800,00 €
    Et l'explication dit :
      """
      barème marginal sur le chiffre d'affaires 2026 (250 000,00 €) = 800,00 €
        0,5 % de la part « à partir de 0,00 € et jusqu'à 100 000,00 € » (100 000,00 €) = 500,00 €
        0,2 % de la part « plus de 100 000,00 € » (150 000,00 €) = 300,00 €
      """

  # --- Taux, plancher, plafond ---------------------------------------------------------------

  Plan du scénario: une quote-part de 2 % du bénéfice, avec plancher et plafond : bénéfice de <bénéfice>
    Étant donné le barème suivant :
      """yaml
      id: quote-part
      label: Quote-part sur le bénéfice
      fiscal_year: 2027
      facts_year: N-1
      fee:
        rate: {rate: "2 %", base: profit}
        floor: "100,00"
        cap: "800,00"
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   | bénéfice 2026 |
      | MISTRAL | Mistral SCOP | producteurs | 01/03/2019 | <bénéfice>    |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation est de <cotisation>
    Et le résumé dit :
      """
      <résumé>
      """

    Exemples:
      | bénéfice    | cotisation | résumé                                                                                 |
      | 30 000,00 € | 600,00 €   | 2 % du bénéfice 2026 (30 000,00 €) = 600,00 €                                          |
      | 48 000,00 € | 800,00 €   | 2 % du bénéfice 2026 (48 000,00 €) = 960,00 € ; plafonné à 800,00 € → 800,00 €         |
      | 3 000,00 €  | 100,00 €   | 2 % du bénéfice 2026 (3 000,00 €) = 60,00 € ; porté au plancher de 100,00 € → 100,00 € |
      | 12 345,67 € | 246,91 €   | 2 % du bénéfice 2026 (12 345,67 €) = 246,91 €                                          |

  Plan du scénario: un taux sur la marge brute ou sur la valeur ajoutée : <base>
    # « la marge brute » et « la valeur ajoutée » sont au féminin : « de la », pas « du ».
    # 1 % de 30 000 € = 300 € ; 5 ‰ de 40 000 € = 200 €.
    Étant donné le barème suivant :
      """yaml
      id: quote-part-<base>
      label: Quote-part
      fiscal_year: 2027
      facts_year: N-1
      fee:
        rate: {rate: "<taux>", base: <base>}
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   | marge brute 2026 | valeur ajoutée 2026 |
      | MISTRAL | Mistral SCOP | producteurs | 01/03/2019 | 30 000,00 €      | 40 000,00 €         |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation est de <cotisation>
    Et l'explication dit :
      """
      <explication>
      """

    Exemples:
      | base         | taux | cotisation | explication                                            |
      | gross_margin | 1 %  | 300,00 €   | 1 % de la marge brute 2026 (30 000,00 €) = 300,00 €    |
      | value_added  | 5 ‰  | 200,00 €   | 5 ‰ de la valeur ajoutée 2026 (40 000,00 €) = 200,00 € |

  Plan du scénario: un membre en perte ne paie pas de quote-part, mais le plancher s'applique : bénéfice de <bénéfice>
    Étant donné le barème suivant :
      """yaml
      id: quote-part
      label: Quote-part sur le bénéfice
      fiscal_year: 2027
      facts_year: N-1
      fee:
        rate: {rate: "2 %", base: profit}
        floor: "100,00"
        cap: "800,00"
      """
    Et les membres suivants :
      | code    | nom                       | catégorie   | adhésion   | bénéfice 2026 |
      | RESSOUR | Ressourcerie des Alpilles | producteurs | 01/03/2019 | <bénéfice>    |
    Quand on calcule la cotisation de RESSOUR
    Alors la cotisation est de 100,00 €
    Et l'explication dit :
      """
      bénéfice 2026 (<bénéfice>) : pas de part proportionnelle sur une perte ou un montant nul → 0,00 € ; porté au plancher de 100,00 € → 100,00 €
      """

    Exemples:
      | bénéfice     |
      | -12 345,67 € |
      | -6 850,00 €  |
      | 0,00 €       |

  Plan du scénario: 0,1 % du chiffre d'affaires, au moins 150 € et au plus 2 000 € : chiffre d'affaires de <ca>
    Étant donné le barème suivant :
      """yaml
      id: taux-ca
      label: Cotisation proportionnelle au chiffre d'affaires
      fiscal_year: 2027
      facts_year: N-1
      fee:
        rate: {rate: "0,1 %", base: revenue}
        floor: "150,00"
        cap: "2000,00"
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   | chiffre d'affaires 2026 |
      | MISTRAL | Mistral SCOP | producteurs | 01/03/2019 | <ca>                    |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation est de <cotisation>
    Et l'explication dit :
      """
      <explication>
      """

    Exemples:
      | ca             | cotisation | explication                                                                                         |
      | 80 000,00 €    | 150,00 €   | 0,1 % du chiffre d'affaires 2026 (80 000,00 €) = 80,00 € ; porté au plancher de 150,00 € → 150,00 € |
      | 800 000,00 €   | 800,00 €   | 0,1 % du chiffre d'affaires 2026 (800 000,00 €) = 800,00 €                                          |
      | 3 000 000,00 € | 2 000,00 € | 0,1 % du chiffre d'affaires 2026 (3 000 000,00 €) = 3 000,00 € ; plafonné à 2 000,00 € → 2 000,00 € |

  Plan du scénario: une somme par habitant pour une collectivité, plafonnée : <population> habitants
    # 0,10 € × 4 800 habitants = 480,00 € ; 0,10 € × 45 000 habitants = 4 500,00 €, plafonné à 3 000 €.
    Étant donné le barème suivant :
      """yaml
      id: par-habitant
      label: Part des collectivités
      fiscal_year: 2027
      facts_year: N-1
      fee:
        per_unit: {amount: "0,10", base: population}
        cap: "3000,00"
      """
    Et les membres suivants :
      | code  | nom                   | catégorie               | adhésion   | population 2026 |
      | VILLE | Commune de Saint-Rémy | collectivités territoriales | 01/03/2019 | <population>    |
    Quand on calcule la cotisation de VILLE
    Alors la cotisation est de <cotisation>
    Et l'explication dit :
      """
      <explication>
      """

    Exemples:
      | population | cotisation | explication                                                                                   |
      | 4 800      | 480,00 €   | 0,10 € × 4 800 habitants (population 2026) = 480,00 €                                         |
      | 45 000     | 3 000,00 € | 0,10 € × 45 000 habitants (population 2026) = 4 500,00 € ; plafonné à 3 000,00 € → 3 000,00 € |

  # --- Combinaisons --------------------------------------------------------------------------

  Scénario: le plus petit de deux taux pour mille
    # 2 ‰ de 400 000 € font 800 € ; 15 ‰ de 48 000 € font 720 € : le membre paie 720 €.
    Étant donné le barème suivant :
      """yaml
      id: plus-petit
      label: Le plus petit de deux taux
      fiscal_year: 2027
      facts_year: N-1
      fee:
        minimum_of:
          - rate: {rate: "2 ‰", base: revenue}
          - rate: {rate: "15 ‰", base: profit}
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   | chiffre d'affaires 2026 | bénéfice 2026 |
      | MISTRAL | Mistral SCOP | producteurs | 01/03/2019 | 400 000,00 €            | 48 000,00 €   |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation est de 720,00 €
    Et l'explication dit :
      """
      le plus petit des montants suivants → 720,00 €
        2 ‰ du chiffre d'affaires 2026 (400 000,00 €) = 800,00 €
        15 ‰ du bénéfice 2026 (48 000,00 €) = 720,00 €
      """

  Plan du scénario: le plus grand d'une part fixe et d'une part variable : chiffre d'affaires de <ca>
    Étant donné le barème suivant :
      """yaml
      id: plus-grand
      label: Au moins 150 €, ou 0,2 % du chiffre d'affaires
      fiscal_year: 2027
      facts_year: N-1
      fee:
        maximum_of:
          - {label: part fixe, amount: "150,00"}
          - {label: part variable, rate: {rate: "0,2 %", base: revenue}}
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   | chiffre d'affaires 2026 |
      | MISTRAL | Mistral SCOP | producteurs | 01/03/2019 | <ca>                    |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation est de <cotisation>
    Et l'explication dit :
      """
      le plus grand des montants suivants → <cotisation>
        part fixe : montant fixe 150,00 €
        part variable : 0,2 % du chiffre d'affaires 2026 (<ca>) = <variable>
      """

    Exemples:
      | ca           | variable | cotisation |
      | 250 000,00 € | 500,00 € | 500,00 €   |
      | 50 000,00 €  | 100,00 € | 150,00 €   |

  Scénario: la somme d'une part fixe et d'une part variable
    # 150 € + 0,2 % de 250 000 € (500 €) = 650 €.
    Étant donné le barème suivant :
      """yaml
      id: somme
      label: Part fixe et part variable
      fiscal_year: 2027
      facts_year: N-1
      fee:
        sum:
          - {label: part fixe, amount: "150,00"}
          - {label: part variable, rate: {rate: "0,2 %", base: revenue}}
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   | chiffre d'affaires 2026 |
      | MISTRAL | Mistral SCOP | producteurs | 01/03/2019 | 250 000,00 €            |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation est de 650,00 €
    Et l'explication dit :
      """
      la somme des montants suivants → 650,00 €
        part fixe : montant fixe 150,00 €
        part variable : 0,2 % du chiffre d'affaires 2026 (250 000,00 €) = 500,00 €
      """

  # --- Exonérations --------------------------------------------------------------------------

  Plan du scénario: une catégorie exonérée : <nom>
    Étant donné le barème suivant :
      """yaml
      id: exoneration-categorie
      label: Cotisation forfaitaire, bénéficiaires exonérés
      fiscal_year: 2027
      facts_year: N-1
      fee:
        amount: "120,00"
        exemptions:
          - {category: [beneficiary, volunteer], label: bénéficiaires et bénévoles}
      """
    Et les membres suivants :
      | code    | nom               | catégorie               | adhésion   |
      | MISTRAL | Mistral SCOP      | producteurs             | 01/03/2019 |
      | EPICE   | Épicerie paysanne | bénéficiaires habituels | 01/03/2019 |
      | CAMILLE | Camille Martin    | bénévoles               | 01/03/2019 |
    Quand on calcule la cotisation de <code>
    Alors la cotisation est de <cotisation>
    Et l'explication dit :
      """
      <explication>
      """

    Exemples:
      | code    | nom               | cotisation | explication                                   |
      | MISTRAL | Mistral SCOP      | 120,00 €   | montant fixe 120,00 €                         |
      | EPICE   | Épicerie paysanne | 0,00 €     | exonéré (bénéficiaires et bénévoles) → 0,00 € |
      | CAMILLE | Camille Martin    | 0,00 €     | exonéré (bénéficiaires et bénévoles) → 0,00 € |

  Scénario: une exonération par catégorie sans libellé nomme la catégorie du membre en français
    Étant donné le barème suivant :
      """yaml
      id: exoneration-categorie
      label: Cotisation forfaitaire, bénéficiaires exonérés
      fiscal_year: 2027
      facts_year: N-1
      fee:
        amount: "120,00"
        exemptions:
          - {category: beneficiary}
      """
    Et les membres suivants :
      | code  | nom               | catégorie               | adhésion   |
      | EPICE | Épicerie paysanne | bénéficiaires habituels | 01/03/2019 |
    Quand on calcule la cotisation de EPICE
    Alors la cotisation est de 0,00 €
    Et l'explication dit :
      """
      exonéré (catégorie « bénéficiaires habituels ») → 0,00 €
      """

  Plan du scénario: les petites structures sont exonérées (chiffre d'affaires inférieur à 10 000 €) : <ca>
    # « below: 10000 » veut dire « strictement moins de 10 000 € » : à 10 000,00 € tout rond, on paie.
    Étant donné le barème suivant :
      """yaml
      id: exoneration-petites
      label: Cotisation forfaitaire, petites structures exonérées
      fiscal_year: 2027
      facts_year: N-1
      fee:
        amount: "120,00"
        exemptions:
          - {base: revenue, below: "10000"}
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   | chiffre d'affaires 2026 |
      | MISTRAL | Mistral SCOP | producteurs | 01/03/2019 | <ca>                    |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation est de <cotisation>
    Et l'explication dit :
      """
      <explication>
      """

    Exemples:
      | ca          | cotisation | explication                                                 |
      | 8 000,00 €  | 0,00 €     | exonéré (chiffre d'affaires 2026 sous 10 000,00 €) → 0,00 € |
      | 9 999,99 €  | 0,00 €     | exonéré (chiffre d'affaires 2026 sous 10 000,00 €) → 0,00 € |
      | 10 000,00 € | 120,00 €   | montant fixe 120,00 €                                       |

  Plan du scénario: les grandes collectivités sont exonérées (plus de 100 000 habitants) : <population> habitants
    # « above: 100000 » veut dire « strictement plus de 100 000 habitants ».
    Étant donné le barème suivant :
      """yaml
      id: exoneration-grandes
      label: Part des collectivités, grandes villes exonérées
      fiscal_year: 2027
      facts_year: N-1
      fee:
        amount: "500,00"
        exemptions:
          - {base: population, above: "100000"}
      """
    Et les membres suivants :
      | code  | nom                   | catégorie               | adhésion   | population 2026 |
      | VILLE | Commune de Saint-Rémy | collectivités territoriales | 01/03/2019 | <population>    |
    Quand on calcule la cotisation de VILLE
    Alors la cotisation est de <cotisation>
    Et l'explication dit :
      """
      <explication>
      """

    Exemples:
      | population | cotisation | explication                                                       |
      | 100 001    | 0,00 €     | exonéré (population 2026 au-dessus de 100 000 habitants) → 0,00 € |
      | 100 000    | 500,00 €   | montant fixe 500,00 €                                             |

  Scénario: une exonération qui s'applique n'attend pas un chiffre inutile
    # L'épicerie est exonérée comme bénéficiaire ; son chiffre d'affaires, que la première
    # condition lirait, ne change rien et n'est pas réclamé.
    Étant donné le barème suivant :
      """yaml
      id: exonerations
      label: Cotisation forfaitaire, deux exonérations
      fiscal_year: 2027
      facts_year: N-1
      fee:
        amount: "120,00"
        exemptions:
          - {base: revenue, below: "10000"}
          - {category: beneficiary, label: bénéficiaires habituels}
      """
    Et les membres suivants :
      | code  | nom               | catégorie               | adhésion   |
      | EPICE | Épicerie paysanne | bénéficiaires habituels | 01/03/2019 |
    Quand on calcule la cotisation de EPICE
    Alors la cotisation est de 0,00 €
    Et l'explication dit :
      """
      exonéré (bénéficiaires habituels) → 0,00 €
      """

  Scénario: aucune exonération ne s'applique et l'une manque de son chiffre : le manque est signalé
    # Mistral SCOP n'est pas bénéficiaire ; sans son chiffre d'affaires, on ne sait pas s'il
    # est une petite structure exonérée : pas de montant, le chiffre est réclamé.
    Étant donné le barème suivant :
      """yaml
      id: exonerations
      label: Cotisation forfaitaire, deux exonérations
      fiscal_year: 2027
      facts_year: N-1
      fee:
        amount: "120,00"
        exemptions:
          - {base: revenue, below: "10000"}
          - {category: beneficiary, label: bénéficiaires habituels}
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   |
      | MISTRAL | Mistral SCOP | producteurs | 01/03/2019 |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation ne peut pas être calculée
    Et il manque : chiffre d'affaires 2026
    Et l'explication dit :
      """
      donnée manquante : chiffre d'affaires 2026 de Mistral SCOP
      """

  Plan du scénario: exonération partielle, comme en coopérative d'activité : seule la part fixe est remise (<nom>)
    # Les entrepreneurs-salariés ne paient pas la part fixe de 100 €, mais paient, comme les
    # autres, 1 % de leur chiffre d'affaires (1 % de 30 000 € = 300 €).
    Étant donné le barème suivant :
      """yaml
      id: contribution-cae
      label: Contribution coopérative
      fiscal_year: 2027
      facts_year: N-1
      fee:
        sum:
          - label: part fixe
            amount: "100,00"
            exemptions:
              - {category: employee, label: entrepreneurs-salariés}
          - label: part variable
            rate: {rate: "1 %", base: revenue}
      """
    Et les membres suivants :
      | code   | nom   | catégorie   | adhésion   | chiffre d'affaires 2026 |
      | <code> | <nom> | <catégorie> | 01/03/2019 | 30 000,00 €             |
    Quand on calcule la cotisation de <code>
    Alors la cotisation est de <cotisation>
    Et l'explication dit :
      """
      la somme des montants suivants → <cotisation>
        part fixe : <part fixe>
        part variable : 1 % du chiffre d'affaires 2026 (30 000,00 €) = 300,00 €
      """

    Exemples:
      | code    | nom          | catégorie   | part fixe                                 | cotisation |
      | MARTIN  | Sacha Martin | salariés    | exonéré (entrepreneurs-salariés) → 0,00 € | 300,00 €   |
      | MISTRAL | Mistral SCOP | producteurs | montant fixe 100,00 €                     | 400,00 €   |

  # --- Entrées et sorties en cours d'année ---------------------------------------------------

  Plan du scénario: un membre qui adhère le 1er juillet paie au prorata (<prorata>)
    # Au jour près : du 1er juillet au 31 décembre 2027, 184 jours sur 365 ;
    # 730 € × 184 / 365 = 368 €. Au mois près : 6 mois sur 12 ; 730 € × 6 / 12 = 365 €.
    Étant donné le barème suivant :
      """yaml
      id: prorata
      label: Cotisation au prorata
      fiscal_year: 2027
      facts_year: N-1
      prorata: <prorata>
      fee:
        amount: "730,00"
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   |
      | MISTRAL | Mistral SCOP | producteurs | 01/07/2027 |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation est de <cotisation>
    Et l'explication dit :
      """
      montant fixe 730,00 €
      prorata temporis : membre <durée> → 730,00 € × <fraction> = <cotisation>
      """
    Et MISTRAL est redevable pour l'exercice 2027

    Exemples:
      | prorata | durée             | fraction | cotisation |
      | day     | 184 jours sur 365 | 184/365  | 368,00 €   |
      | month   | 6 mois sur 12     | 6/12     | 365,00 €   |

  Plan du scénario: un membre qui part le 31 mars paie au prorata (<prorata>)
    # Au jour près : du 1er janvier au 31 mars 2027 compris, 90 jours ; 730 € × 90 / 365 = 180 €.
    # Au mois près : janvier, février, mars ; 730 € × 3 / 12 = 182,50 €.
    Étant donné le barème suivant :
      """yaml
      id: prorata
      label: Cotisation au prorata
      fiscal_year: 2027
      facts_year: N-1
      prorata: <prorata>
      fee:
        amount: "730,00"
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   | sortie     |
      | MISTRAL | Mistral SCOP | producteurs | 01/03/2019 | 31/03/2027 |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation est de <cotisation>
    Et l'explication dit :
      """
      montant fixe 730,00 €
      prorata temporis : membre <durée> → 730,00 € × <fraction> = <cotisation>
      """

    Exemples:
      | prorata | durée            | fraction | cotisation |
      | day     | 90 jours sur 365 | 90/365   | 180,00 €   |
      | month   | 3 mois sur 12    | 3/12     | 182,50 €   |

  Plan du scénario: qui n'est pas membre pendant l'exercice ne doit rien (<cas>)
    Étant donné le barème suivant :
      """yaml
      id: prorata
      label: Cotisation au prorata
      fiscal_year: 2027
      facts_year: N-1
      prorata: month
      fee:
        amount: "730,00"
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   | sortie   |
      | MISTRAL | Mistral SCOP | producteurs | <adhésion> | <sortie> |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation est de 0,00 €
    Et MISTRAL n'est pas redevable pour l'exercice 2027
    Et l'explication dit :
      """
      pas membre pendant l'exercice 2027 → 0,00 €
      """

    Exemples:
      | cas                  | adhésion   | sortie     |
      | parti le 30/09/2026  | 01/03/2019 | 30/09/2026 |
      | adhère le 15/01/2028 | 15/01/2028 |            |

  # --- Contributions en nature, arrondi ------------------------------------------------------

  Plan du scénario: les heures données au réseau sont déduites à 15 € de l'heure : <heures> h
    # 10 h × 15 € = 150 € déduits de 400 € : reste 250 €. 30 h × 15 € = 450 € : plus que la
    # cotisation, qui tombe à zéro ; le crédit en trop n'est pas dû au membre.
    Étant donné le barème suivant :
      """yaml
      id: heures
      label: Cotisation forfaitaire, heures déduites
      fiscal_year: 2027
      facts_year: N-1
      in_kind:
        hours: "15,00"
      fee:
        amount: "400,00"
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   | heures de travail données 2026 |
      | MISTRAL | Mistral SCOP | producteurs | 01/03/2019 | <heures>                       |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation est de <cotisation>
    Et l'explication dit :
      """
      montant fixe 400,00 €
      <déduction>
        heures de travail données 2026 : <heures> h, 15,00 € par heure = <crédit>
      """

    Exemples:
      | heures | crédit   | cotisation | déduction                                                                                           |
      | 10     | 150,00 € | 250,00 €   | contributions en nature déduites : 150,00 € → 250,00 €                                              |
      | 30     | 450,00 € | 0,00 €     | contributions en nature déduites : 450,00 € → 0,00 € (le crédit ne rend pas la cotisation négative) |

  Scénario: le prorata passe avant la déduction des heures données
    # 400 € × 6 / 12 = 200 € ; moins 10 h × 15 € = 150 € ; reste 50 €.
    Étant donné le barème suivant :
      """yaml
      id: heures-prorata
      label: Cotisation au prorata, heures déduites
      fiscal_year: 2027
      facts_year: N-1
      prorata: month
      in_kind:
        hours: "15,00"
      fee:
        amount: "400,00"
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   | heures de travail données 2026 |
      | MISTRAL | Mistral SCOP | producteurs | 01/07/2027 | 10                             |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation est de 50,00 €
    Et le résumé dit :
      """
      montant fixe 400,00 € ; prorata temporis : membre 6 mois sur 12 → 400,00 € × 6/12 = 200,00 € ; contributions en nature déduites : 150,00 € → 50,00 €
      """

  Plan du scénario: une cotisation arrondie à l'euro, la moitié vers le haut : bénéfice de <bénéfice>
    Étant donné le barème suivant :
      """yaml
      id: arrondi
      label: Quote-part arrondie à l'euro
      fiscal_year: 2027
      facts_year: N-1
      rounding: euro
      fee:
        rate: {rate: "2 %", base: profit}
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   | bénéfice 2026 |
      | MISTRAL | Mistral SCOP | producteurs | 01/03/2019 | <bénéfice>    |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation est de <cotisation>
    Et l'explication dit :
      """
      2 % du bénéfice 2026 (<bénéfice>) = <au centime>
      arrondi à l'euro : <au centime> → <cotisation>
      """

    Exemples:
      | bénéfice    | au centime | cotisation |
      | 12 345,67 € | 246,91 €   | 247,00 €   |
      | 12 325,00 € | 246,50 €   | 247,00 €   |
      | 12 324,50 € | 246,49 €   | 246,00 €   |

  # --- Données manquantes --------------------------------------------------------------------

  Plan du scénario: un chiffre manquant n'est jamais compté pour zéro : <nom>
    # « de Crau Formation », mais « d'Épicerie paysanne » : le français élide devant une voyelle.
    Étant donné le barème suivant :
      """yaml
      id: quote-part
      label: Quote-part sur le bénéfice
      fiscal_year: 2027
      facts_year: N-1
      fee:
        rate: {rate: "2 %", base: profit}
        floor: "100,00"
      """
    Et les membres suivants :
      | code  | nom               | catégorie               | adhésion   | chiffre d'affaires 2026 |
      | CRAU  | Crau Formation    | producteurs             | 01/03/2019 | 250 000,00 €            |
      | EPICE | Épicerie paysanne | bénéficiaires habituels | 01/03/2019 | 40 000,00 €             |
    Quand on calcule la cotisation de <code>
    Alors la cotisation ne peut pas être calculée
    Et il manque : bénéfice 2026
    Et l'explication dit :
      """
      donnée manquante : bénéfice 2026 <qui>
      """

    Exemples:
      | code  | nom               | qui                 |
      | CRAU  | Crau Formation    | de Crau Formation   |
      | EPICE | Épicerie paysanne | d'Épicerie paysanne |

  Scénario: un chiffre manquant dans une somme : pas de montant partiel
    Étant donné le barème suivant :
      """yaml
      id: somme
      label: Part fixe et part variable
      fiscal_year: 2027
      facts_year: N-1
      fee:
        sum:
          - {label: part fixe, amount: "150,00"}
          - {label: part variable, rate: {rate: "0,2 %", base: revenue}}
      """
    Et les membres suivants :
      | code    | nom          | catégorie   | adhésion   |
      | MISTRAL | Mistral SCOP | producteurs | 01/03/2019 |
    Quand on calcule la cotisation de MISTRAL
    Alors la cotisation ne peut pas être calculée
    Et il manque : chiffre d'affaires 2026
    Et l'explication dit :
      """
      la somme des montants suivants :
        part fixe : montant fixe 150,00 €
        donnée manquante : chiffre d'affaires 2026 de Mistral SCOP
      """
