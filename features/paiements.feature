# language: fr
Fonctionnalité: Enregistrer les paiements des membres et suivre ce qui reste dû
  La trésorière enregistre chaque paiement reçu (virement, chèque, espèces, prélèvement). Un
  paiement est imputé sur les appels du membre, les plus anciens d'abord, ou comme la trésorière
  le dit ; ce qu'aucun appel n'absorbe reste au crédit du membre et pourra régler un appel
  suivant. Rien n'est jamais effacé : une erreur d'appel se corrige par un avoir, qui garde qui
  l'a émis et pourquoi, et le solde d'un membre peut être recalculé à n'importe quelle date
  passée.

  Les appels de 2027 partent le 01/02/2027, à payer au 31/03/2027 :
    - AC-2027-0001, ABEILLE : 200,00 € ;
    - AC-2027-0002, BRUYERE : 300,00 € (0,1 % de 300 000 €) ;
    - AC-2027-0003, CIGALE : 50,00 €.
  Un paiement ne peut pas être daté d'un jour à venir : chaque scénario dit quel jour nous
  sommes.

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
    Et les appels du barème « bareme-2027 » ont été émis le 01/02/2027, à payer au 31/03/2027

  # --- Payer ---------------------------------------------------------------------------------

  Scénario: payer un appel en deux fois
    Étant donné que nous sommes le 20/03/2027
    Quand ABEILLE paie 80,00 € par virement le 10/02/2027
    Alors le paiement RG-2027-0001 est imputé ainsi :
      | appel        | montant |
      | AC-2027-0001 | 80,00 € |
    Et l'appel AC-2027-0001 est « partiellement payé », reste dû 120,00 €
    Quand ABEILLE paie 120,00 € par chèque le 15/03/2027
    Alors l'appel AC-2027-0001 est « payé », reste dû 0,00 €
    Et le solde de ABEILLE au 20/03/2027 est de 0,00 €

  Scénario: un trop-perçu reste au crédit du membre et règle son appel suivant
    # L'exercice suivant : un forfait de 30,00 € pour chacun.
    Étant donné le fichier de barème « bareme-2028.yaml » :
      """yaml
      id: bareme-2028
      label: Forfait 2028
      adopted:
        date: 2027-11-20
        decision: AG du 20 novembre 2027, résolution 3
      fiscal_year: 2028
      facts_year: N-1
      fee:
        amount: "30,00"
      """
    Et que nous sommes le 20/03/2027
    Quand ABEILLE paie 250,00 € par virement le 10/02/2027
    Alors l'appel AC-2027-0001 est « payé », reste dû 0,00 €
    Et le paiement RG-2027-0001 est imputé ainsi :
      | appel        | montant  |
      | AC-2027-0001 | 200,00 € |
    Et le crédit de ABEILLE est de 50,00 €
    Quand nous sommes le 01/02/2028
    Et j'émets les appels du barème « bareme-2028 », datés du 01/02/2028, à payer au 31/03/2028
    Et j'impute le crédit de ABEILLE
    Alors le crédit est imputé ainsi :
      | paiement     | appel        | montant |
      | RG-2027-0001 | AC-2028-0001 | 30,00 € |
    Et l'appel AC-2028-0001 est « payé », reste dû 0,00 €
    Et le crédit de ABEILLE est de 20,00 €

  Scénario: un paiement qui couvre plusieurs appels règle les plus anciens d'abord
    Étant donné le fichier de barème « bareme-2028.yaml » :
      """yaml
      id: bareme-2028
      label: Forfait 2028
      adopted:
        date: 2027-11-20
        decision: AG du 20 novembre 2027, résolution 3
      fiscal_year: 2028
      facts_year: N-1
      fee:
        amount: "30,00"
      """
    Et que les appels du barème « bareme-2028 » ont été émis le 01/02/2028, à payer au 31/03/2028
    Et que nous sommes le 15/02/2028
    Quand BRUYERE paie 310,00 € par virement le 10/02/2028
    Alors le paiement RG-2028-0001 est imputé ainsi :
      | appel        | montant  |
      | AC-2027-0002 | 300,00 € |
      | AC-2028-0002 | 10,00 €  |
    Et l'appel AC-2027-0002 est « payé », reste dû 0,00 €
    Et l'appel AC-2028-0002 est « partiellement payé », reste dû 20,00 €
    Et le crédit de BRUYERE est de 0,00 €

  Scénario: un paiement imputé comme la trésorière le dit
    # Le membre a d'abord voulu solder l'appel de l'année ; l'ancien, échu depuis le 31/03/2027,
    # reste en retard pour ce qu'il n'a pas reçu.
    Étant donné le fichier de barème « bareme-2028.yaml » :
      """yaml
      id: bareme-2028
      label: Forfait 2028
      adopted:
        date: 2027-11-20
        decision: AG du 20 novembre 2027, résolution 3
      fiscal_year: 2028
      facts_year: N-1
      fee:
        amount: "30,00"
      """
    Et que les appels du barème « bareme-2028 » ont été émis le 01/02/2028, à payer au 31/03/2028
    Et que nous sommes le 15/02/2028
    Quand BRUYERE paie 100,00 € par chèque le 10/02/2028, imputé ainsi :
      | appel        | montant |
      | AC-2028-0002 | 30,00 € |
      | AC-2027-0002 | 70,00 € |
    Alors le paiement RG-2028-0001 est imputé ainsi :
      | appel        | montant |
      | AC-2028-0002 | 30,00 € |
      | AC-2027-0002 | 70,00 € |
    Et l'appel AC-2028-0002 est « payé », reste dû 0,00 €
    Et l'appel AC-2027-0002 est « en retard », reste dû 230,00 €

  Scénario: une imputation qui dépasse ce que l'appel demande est refusée
    Étant donné que nous sommes le 20/03/2027
    Quand CIGALE paie 80,00 € par virement le 10/02/2027, imputé ainsi :
      | appel        | montant |
      | AC-2027-0003 | 80,00 € |
    Alors le paiement est refusé avec le message :
      """
      l'appel AC-2027-0003 ne demande plus que 50,00 €
      """
    Et CIGALE n'a aucun paiement enregistré

  Scénario: un paiement daté d'un jour à venir est refusé
    Quand ABEILLE paie 200,00 € par virement le 02/02/2027
    Alors le paiement est refusé avec le message :
      """
      un paiement ne peut pas être daté du futur
      """
    Et ABEILLE n'a aucun paiement enregistré

  # --- Doublons ------------------------------------------------------------------------------

  Scénario: le même paiement envoyé deux fois avec la même clé n'est enregistré qu'une fois
    # Un double clic, ou une demande renvoyée après une coupure réseau.
    Étant donné que nous sommes le 20/03/2027
    Quand ABEILLE paie 80,00 € par virement le 10/02/2027, avec la clé « saisie-abeille-1 »
    Et ABEILLE paie 80,00 € par virement le 10/02/2027, avec la clé « saisie-abeille-1 »
    Alors la seconde saisie redonne le paiement RG-2027-0001 sans en créer un autre
    Et ABEILLE n'a qu'un paiement enregistré : RG-2027-0001 de 80,00 €
    Et l'appel AC-2027-0001 est « partiellement payé », reste dû 120,00 €

  Scénario: la même référence bancaire saisie deux fois pour un membre, sans clé, est refusée
    Étant donné que nous sommes le 20/03/2027
    Quand ABEILLE paie 80,00 € par virement le 10/02/2027, référence bancaire « VIR-20270210-42 »
    Et ABEILLE paie 80,00 € par virement le 10/02/2027, référence bancaire « VIR-20270210-42 »
    Alors le paiement est refusé avec le message :
      """
      ce paiement semble déjà enregistré : RG-2027-0001 du 10/02/2027 (80,00 €) porte la même référence bancaire « VIR-20270210-42 »
      """
    Et ABEILLE n'a qu'un paiement enregistré : RG-2027-0001 de 80,00 €
    Et l'appel AC-2027-0001 est « partiellement payé », reste dû 120,00 €

  # --- Avoirs --------------------------------------------------------------------------------

  Scénario: annuler un appel par un avoir : le motif et son auteur restent, le lot ne change pas
    Étant donné que nous sommes le 15/02/2027
    Quand j'annule l'appel AC-2027-0003 par un avoir, pour le motif « Radiation prononcée par le conseil du 12/02/2027 »
    Alors l'appel AC-2027-0003 est « annulé », reste dû 0,00 €
    Et l'appel AC-2027-0003 porte l'avoir AV-2027-0001 de 50,00 €, émis le 15/02/2027 par « claire » pour le motif « Radiation prononcée par le conseil du 12/02/2027 »
    Et le lot LOT-2027-01 compte toujours 3 appels, 550,00 € en tout
    Et le solde de CIGALE au 15/02/2027 est de 0,00 €

  Scénario: un avoir sans motif est refusé
    Quand j'annule l'appel AC-2027-0003 par un avoir, sans motif
    Alors l'avoir est refusé avec le message :
      """
      le motif est obligatoire (1 à 500 caractères)
      """
    Et l'appel AC-2027-0003 est « à payer », reste dû 50,00 €

  Scénario: un avoir partiel sur un appel déjà payé : l'excédent passe au crédit du membre
    Étant donné que nous sommes le 20/02/2027
    Et que ABEILLE a payé 200,00 € par virement le 10/02/2027
    Quand j'émets un avoir de 50,00 € sur l'appel AC-2027-0001, pour le motif « Chiffre d'affaires 2026 corrigé »
    Alors l'appel AC-2027-0001 est « payé », reste dû 0,00 €
    Et l'appel AC-2027-0001 porte l'avoir AV-2027-0001 de 50,00 €, émis le 20/02/2027 par « claire » pour le motif « Chiffre d'affaires 2026 corrigé »
    Et le crédit de ABEILLE est de 50,00 €
    Et le solde de ABEILLE au 20/02/2027 est de 50,00 € en sa faveur

  # --- Retard et solde à une date passée -----------------------------------------------------

  Scénario: un appel non soldé à l'échéance passe « en retard » ; le solde se relit à toute date
    Étant donné que nous sommes le 30/04/2027
    Et que ABEILLE a payé 80,00 € par virement le 10/02/2027
    Alors l'appel AC-2027-0001 est « en retard », reste dû 120,00 €
    Et l'appel AC-2027-0001 a 30 jours de retard
    Et au 31/03/2027, l'appel AC-2027-0001 était « partiellement payé », reste dû 120,00 €
    Et au 09/02/2027, l'appel AC-2027-0001 était « à payer », reste dû 200,00 €
    Et le solde de ABEILLE au 31/01/2027 est de 0,00 €
    Et le solde de ABEILLE au 09/02/2027 est de 200,00 €
    Et le solde de ABEILLE au 30/04/2027 est de 120,00 €
