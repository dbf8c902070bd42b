# language: fr
Fonctionnalité: Le registre des membres du réseau
  Le registre garde chaque membre, personne morale (avec son SIREN) ou personne physique,
  sa catégorie d'associé, sa date d'adhésion et, le cas échéant, sa date et son motif de sortie.
  Un membre sorti reste dans le registre pour l'historique et les comptes.
  Les données chiffrées de chaque exercice (chiffre d'affaires, bénéfice, effectif…) servent
  au calcul des cotisations : une donnée absente est signalée, jamais remplacée par zéro.
  Chaque refus donne un message en français et le champ en cause.

  Contexte:
    Étant donné un registre des membres tout neuf

  Scénario: inscrire une personne morale avec son SIREN
    Quand j'inscris la personne morale « Ressourcerie des Alpilles », SIREN « 732 829 320 », catégorie « producteurs », adhérente depuis le 01/03/2019
    Alors l'inscription est acceptée
    Et le registre compte 1 membre
    Et la fiche de « Ressourcerie des Alpilles » porte le code « M0001 » et le SIREN « 732829320 »
    Et « Ressourcerie des Alpilles » est membre de la catégorie « producteurs » depuis le 01/03/2019

  Scénario: une personne morale sans SIREN est refusée
    Quand j'inscris la personne morale « Garage solidaire », sans SIREN, catégorie « producteurs », adhérente depuis le 01/03/2019
    Alors l'inscription est refusée avec le message :
      """
      le SIREN est obligatoire pour une personne morale
      """
    Et le champ en cause est « siren »
    Et le registre compte 0 membre

  Scénario: un SIREN dont la clé de contrôle est fausse est refusé
    Quand j'inscris la personne morale « Garage solidaire », SIREN « 732 829 321 », catégorie « producteurs », adhérente depuis le 01/03/2019
    Alors l'inscription est refusée avec le message :
      """
      « 732829321 » n'est pas un SIREN valide (clé de contrôle incorrecte)
      """
    Et le champ en cause est « siren »
    Et le registre compte 0 membre

  Scénario: un SIREN déjà inscrit est refusé et le registre ne change pas
    Étant donné la personne morale « Ressourcerie des Alpilles », SIREN « 732 829 320 », catégorie « producteurs », adhérente depuis le 01/03/2019
    Et la personne morale « Épicerie paysanne », SIREN « 123 456 782 », catégorie « bénéficiaires habituels », adhérente depuis le 15/09/2021
    Quand j'inscris la personne morale « Ressourcerie bis », SIREN « 732829320 », catégorie « partenaires et soutiens », adhérente depuis le 01/01/2026
    Alors l'inscription est refusée avec le message :
      """
      le SIREN 732829320 est déjà celui de Ressourcerie des Alpilles (M0001)
      """
    Et le champ en cause est « siren »
    Et le registre compte 2 membres

  Scénario: une catégorie inconnue est refusée
    Quand j'inscris la personne morale « Garage solidaire », SIREN « 552 100 554 », catégorie « martiens », adhérente depuis le 01/03/2019
    Alors l'inscription est refusée avec le message :
      """
      catégorie inconnue « martiens » (connues : beneficiary, employee, founder, other_public, partner, producer, public_body, volunteer)
      """
    Et le champ en cause est « category »
    Et le registre compte 0 membre

  Scénario: un associé bénévole est une personne physique
    # Loi n° 47-1775, art. 19 septies al. 1 : les bénévoles sont des personnes physiques.
    Quand j'inscris la personne morale « Club des marcheurs », SIREN « 552 100 554 », catégorie « bénévoles », adhérente depuis le 01/03/2019
    Alors l'inscription est refusée avec le message :
      """
      la catégorie « volunteer » est celle des bénévoles : un associé bénévole est une personne physique (loi n° 47-1775, art. 19 septies)
      """
    Et le champ en cause est « kind »
    Et le registre compte 0 membre

  Scénario: inscrire une personne physique
    Quand j'inscris la personne physique de prénom « Camille » et de nom « Martin », catégorie « salariés », adhérente depuis le 15/01/2024
    Alors l'inscription est acceptée
    Et le registre compte 1 membre
    Et la fiche de « Camille Martin » est celle d'une personne physique, sans SIREN
    Et « Camille Martin » est membre de la catégorie « salariés » depuis le 15/01/2024

  Scénario: la sortie d'un membre est datée et motivée, et sa fiche reste au registre
    Étant donné la personne morale « Ressourcerie des Alpilles », SIREN « 732 829 320 », catégorie « producteurs », adhérente depuis le 01/03/2019
    Quand l'adhésion de « Ressourcerie des Alpilles » prend fin le 30/06/2026 pour le motif « cessation d'activité »
    Alors la sortie est acceptée
    Et la fiche de « Ressourcerie des Alpilles » indique une sortie le 30/06/2026 pour le motif « cessation d'activité »
    Et « Ressourcerie des Alpilles » compte parmi les membres actifs au 30/06/2026
    Et « Ressourcerie des Alpilles » ne compte plus parmi les membres actifs au 01/07/2026
    Et « Ressourcerie des Alpilles » figure toujours dans la liste complète du registre
    Et le registre compte 1 membre

  Scénario: une adhésion déjà terminée ne peut pas prendre fin une seconde fois
    Étant donné la personne morale « Ressourcerie des Alpilles », SIREN « 732 829 320 », catégorie « producteurs », adhérente depuis le 01/03/2019
    Et l'adhésion de « Ressourcerie des Alpilles » a pris fin le 30/06/2026 pour le motif « cessation d'activité »
    Quand l'adhésion de « Ressourcerie des Alpilles » prend fin le 31/12/2026 pour le motif « radiation »
    Alors la sortie est refusée avec le message :
      """
      l'adhésion de Ressourcerie des Alpilles a déjà pris fin le 30/06/2026
      """
    Et le champ en cause est « left_on »
    Et la fiche de « Ressourcerie des Alpilles » indique une sortie le 30/06/2026 pour le motif « cessation d'activité »

  Scénario: enregistrer les données d'un exercice, une perte comprise, et les relire
    Étant donné la personne morale « Ressourcerie des Alpilles », SIREN « 732 829 320 », catégorie « producteurs », adhérente depuis le 01/03/2019
    Quand j'enregistre pour « Ressourcerie des Alpilles » les données de l'exercice 2026 :
      | donnée             | valeur          |
      | chiffre d'affaires | 1 250 000,00 €  |
      | bénéfice           | -12 345,67 €    |
      | effectif           | 12,5            |
    Alors l'opération est acceptée
    Et la donnée « bénéfice 2026 » de « Ressourcerie des Alpilles » vaut -12 345,67 €
    Et la donnée « chiffre d'affaires 2026 » de « Ressourcerie des Alpilles » vaut 1 250 000,00 €
    Et la donnée « effectif 2026 » de « Ressourcerie des Alpilles » vaut 12,5
    Et la fiche de « Ressourcerie des Alpilles » affiche « bénéfice 2026 : -12 345,67 € »
    Et la fiche de « Ressourcerie des Alpilles » affiche « effectif 2026 : 12,5 ETP »

  Scénario: une donnée absente est signalée, jamais comptée pour zéro
    Étant donné la personne morale « Ressourcerie des Alpilles », SIREN « 732 829 320 », catégorie « producteurs », adhérente depuis le 01/03/2019
    Et les données de l'exercice 2026 de « Ressourcerie des Alpilles » :
      | donnée             | valeur          |
      | chiffre d'affaires | 1 250 000,00 €  |
    Quand je demande la donnée « bénéfice 2026 » de « Ressourcerie des Alpilles »
    Alors elle est signalée manquante avec le message :
      """
      donnée manquante : bénéfice 2026 de Ressourcerie des Alpilles
      """

  Scénario: lister une catégorie, page par page
    Étant donné les personnes physiques suivantes, inscrites dans cet ordre :
      | prénom   | nom     | catégorie   | adhésion   |
      | Camille  | Martin  | producteurs | 15/01/2024 |
      | Dominique| Bernard | salariés    | 15/01/2024 |
      | Claude   | Petit   | producteurs | 01/02/2024 |
      | Alix     | Durand  | producteurs | 01/03/2024 |
      | Sacha    | Moreau  | salariés    | 01/04/2024 |
    Quand je consulte la page 1 des membres de la catégorie « producteurs », 2 par page
    Alors la page montre, dans l'ordre, « Camille Martin » et « Claude Petit »
    Et le total annoncé est de 3 membres
    Quand je consulte la page 2 des membres de la catégorie « producteurs », 2 par page
    Alors la page montre, dans l'ordre, « Alix Durand »
    Et le total annoncé est de 3 membres
    Quand je consulte la page 3 des membres de la catégorie « producteurs », 2 par page
    Alors la page est vide
    Et le total annoncé est de 3 membres
