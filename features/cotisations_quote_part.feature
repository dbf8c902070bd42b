# language: fr
Fonctionnalité: Répartir un budget entre les membres en proportion de leurs bénéfices (quote-part)
  Le PTCE prévoit « une quote-part proportionnelle aux bénéfices » : un total voté (le budget,
  par exemple 1 000,00 €) est partagé entre les membres en proportion de leur bénéfice de
  l'année. Une perte compte pour zéro. Chaque part est la fraction exacte du budget (le bénéfice
  du membre sur la somme des bénéfices) ; les parts sont arrondies au centime inférieur, puis les
  centimes qui restent vont un par un aux plus forts restes : la somme des parts est toujours
  exactement le budget. Un bénéfice qui manque empêche la répartition pour tout le groupe : elle
  est signalée, jamais devinée.

  Les nombres se vérifient à la main : 30 000 + 20 000 + 10 000 = 60 000 € de bénéfices (la perte
  de Delta compte pour zéro). 30 000 / 60 000 = 1/2 de 1 000 € = 500,00 € ; 20 000 / 60 000 =
  1/3 = 333,333… € ; 10 000 / 60 000 = 1/6 = 166,666… €. Arrondis au centime inférieur :
  500,00 + 333,33 + 166,66 = 999,99 € ; le centime restant va au plus fort reste, celui de
  Charlie (0,666… centime contre 0,333… pour Bravo) : 166,67 €. Total : 1 000,00 €.

  Contexte:
    Étant donné le barème suivant :
      """yaml
      id: quote-part-budget
      label: Quote-part de 1 000 € proportionnelle aux bénéfices
      fiscal_year: 2027
      facts_year: N-1
      fee:
        by_category:
          producer: &quote_part
            label: quote-part
            quote_part: {total: "1000,00", base: profit, pool: benefices}
          partner: *quote_part
          default: "20,00"
      """

  Scénario: la quote-part de 1 000,00 € entre quatre structures, dont une en perte
    Étant donné les membres suivants :
      | code    | nom             | catégorie    | adhésion   | bénéfice 2026 |
      | ALPHA   | Alpha SCOP      | producteurs  | 01/01/2020 | 30 000,00     |
      | BRAVO   | Bravo SARL      | partenaires et soutiens | 01/01/2020 | 20 000,00     |
      | CHARLIE | Charlie Asso    | producteurs  | 01/01/2020 | 10 000,00     |
      | DELTA   | Delta Insertion | producteurs  | 01/01/2020 | -5 000,00     |
      | CAMILLE | Camille Martin  | bénévoles    | 01/01/2020 |               |
    Quand on calcule la cotisation de BRAVO
    Alors la cotisation est de 333,33 €
    Et le résumé dit :
      """
      catégorie « partenaires et soutiens » : quote-part : quote-part de 1 000,00 € répartie entre 4 membres selon le bénéfice 2026 : 20 000,00 € sur 60 000,00 € de bénéfices, soit 1/3 de 1 000,00 € = 333,33 € (part exacte 333,3333… € : 333,33 €, le centime restant allant à de plus forts restes)
      """
    Et la répartition donne :
      | code    | cotisation |
      | ALPHA   | 500,00 €   |
      | BRAVO   | 333,33 €   |
      | CHARLIE | 166,67 €   |
      | DELTA   | 0,00 €     |
      | CAMILLE | 20,00 €    |
    Et les parts de la quote-part font exactement 1 000,00 €

  Scénario: la structure en perte ne paie rien, et l'explication dit pourquoi
    Étant donné les membres suivants :
      | code    | nom             | catégorie    | adhésion   | bénéfice 2026 |
      | ALPHA   | Alpha SCOP      | producteurs  | 01/01/2020 | 30 000,00     |
      | BRAVO   | Bravo SARL      | partenaires et soutiens | 01/01/2020 | 20 000,00     |
      | CHARLIE | Charlie Asso    | producteurs  | 01/01/2020 | 10 000,00     |
      | DELTA   | Delta Insertion | producteurs  | 01/01/2020 | -5 000,00     |
    Quand on calcule la cotisation de DELTA
    Alors la cotisation est de 0,00 €
    Et le résumé dit :
      """
      catégorie « producteurs » : quote-part : quote-part de 1 000,00 € répartie entre 4 membres selon le bénéfice 2026 : bénéfice 2026 (-5 000,00 €), une perte compte pour zéro → 0,00 €
      """

  Scénario: le centime restant va au plus fort reste
    Étant donné les membres suivants :
      | code    | nom             | catégorie    | adhésion   | bénéfice 2026 |
      | ALPHA   | Alpha SCOP      | producteurs  | 01/01/2020 | 30 000,00     |
      | BRAVO   | Bravo SARL      | partenaires et soutiens | 01/01/2020 | 20 000,00     |
      | CHARLIE | Charlie Asso    | producteurs  | 01/01/2020 | 10 000,00     |
      | DELTA   | Delta Insertion | producteurs  | 01/01/2020 | -5 000,00     |
    Quand on calcule la cotisation de CHARLIE
    Alors la cotisation est de 166,67 €
    Et le résumé dit :
      """
      catégorie « producteurs » : quote-part : quote-part de 1 000,00 € répartie entre 4 membres selon le bénéfice 2026 : 10 000,00 € sur 60 000,00 € de bénéfices, soit 1/6 de 1 000,00 € = 166,67 € (part exacte 166,6666… € : 166,66 € plus un centime au plus fort reste)
      """

  Scénario: un bénéfice manquant empêche la répartition pour tout le groupe, et il est signalé
    Étant donné les membres suivants :
      | code    | nom             | catégorie    | adhésion   | bénéfice 2026 |
      | ALPHA   | Alpha SCOP      | producteurs  | 01/01/2020 | 30 000,00     |
      | BRAVO   | Bravo SARL      | partenaires et soutiens | 01/01/2020 |               |
    Quand on calcule la cotisation de ALPHA
    Alors la cotisation ne peut pas être calculée
    Et il manque : bénéfice 2026 de Bravo SARL (quote-part)

  Scénario: un taux en fraction exacte, un soixantième du bénéfice
    Étant donné le barème suivant :
      """yaml
      id: soixantieme
      label: Un soixantième du bénéfice
      fiscal_year: 2027
      facts_year: N-1
      fee:
        rate: {rate: "1/60", base: profit}
      """
    Et les membres suivants :
      | code  | nom        | catégorie   | adhésion   | bénéfice 2026 |
      | ALPHA | Alpha SCOP | producteurs | 01/01/2020 | 60 000,00     |
    Quand on calcule la cotisation de ALPHA
    Alors la cotisation est de 1 000,00 €
    Et le résumé dit :
      """
      1/60 du bénéfice 2026 (60 000,00 €) = 1 000,00 €
      """

  Scénario: un plafond sur une quote-part est refusé, il romprait la somme des parts
    Quand on lit le barème « quote-part.yaml » :
      """yaml
      id: quote-part-plafond
      label: Quote-part plafonnée
      fiscal_year: 2027
      fee:
        quote_part: {total: "1000,00", base: profit}
        cap: "400,00"
      """
    Alors le barème est refusé avec le message :
      """
      quote-part.yaml : fee.cap : un plafond sur une quote-part romprait la répartition : les parts ne totaliseraient plus le budget
      """

  Scénario: un prorata temporis avec une quote-part est refusé
    Quand on lit le barème « quote-part.yaml » :
      """yaml
      id: quote-part-prorata
      label: Quote-part au prorata
      fiscal_year: 2027
      prorata: month
      fee:
        quote_part: {total: "1000,00", base: profit}
      """
    Alors le barème est refusé avec le message :
      """
      quote-part.yaml : prorata : la quote-part de fee répartit un total entre les membres : un prorata temporis romprait la somme des parts (écrivez « prorata: none »)
      """
