# language: fr
Fonctionnalité: Un barème mal écrit est refusé, avec le fichier, la clé en cause et la raison
  Un barème de cotisation mal écrit ne doit jamais produire de montants faux en silence : il est
  refusé dès la lecture. Le message dit, dans cet ordre, le nom du fichier, le chemin de la clé
  en cause (« fee.rate.rate » : la clé « rate » de la clé « rate » de « fee » ; « grid[1] » :
  la deuxième tranche de la grille, on compte à partir de zéro) et la raison, en français.
  Un barème bien écrit est accepté tel quel.

  Dans ce fichier, les espaces sont ordinaires ; le logiciel écrit les montants avec une espace
  fine insécable entre les milliers et une espace insécable avant « € ».

  Scénario: un barème bien écrit est accepté
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Barème par tranches de chiffre d'affaires
      fiscal_year: 2027
      fee:
        brackets:
          base: revenue
          grid:
            - {to: 500000, amount: "150,00"}
            - {from: 500000, amount: "400,00"}
      """
    Alors le barème est accepté

  # --- Mécanismes et taux --------------------------------------------------------------------

  Scénario: un mécanisme inconnu
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Quote-part
      fiscal_year: 2027
      fee:
        percent: {rate: "2 %", base: profit}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.percent : clé inconnue « percent » (mécanismes : amount, monthly, by_category, rate, per_unit, brackets, minimum_of, maximum_of, sum, quote_part ; modificateurs : cap, exemptions, floor, label, reference)
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.percent »

  Plan du scénario: une clé écrite en français : « <clé> » au lieu de « <mot-clé> »
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Quote-part
      fiscal_year: 2027
      fee:
        rate: {rate: "2 %", base: profit}
        <clé>: "<valeur>"
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.<clé> : clé inconnue « <clé> » : vouliez-vous dire « <mot-clé> » ?
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.<clé> »

    Exemples:
      | clé      | valeur          | mot-clé |
      | plafond  | 800,00          | cap     |
      | plancher | 100,00          | floor   |
      | libellé  | quote-part 2027 | label   |

  Scénario: deux mécanismes dans le même élément
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Quote-part
      fiscal_year: 2027
      fee:
        amount: "100,00"
        rate: {rate: "2 %", base: profit}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee : un seul mécanisme par élément, trouvé : amount, rate
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee »

  Scénario: un taux négatif
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Quote-part
      fiscal_year: 2027
      fee:
        rate: {rate: "-2 %", base: profit}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.rate.rate : un taux ne peut pas être négatif (« -2 % »)
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.rate.rate »

  Scénario: un taux de plus de 100 %
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Quote-part
      fiscal_year: 2027
      fee:
        rate: {rate: "150 %", base: profit}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.rate.rate : un taux de plus de 100 % est refusé (« 150 % »)
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.rate.rate »

  Scénario: un taux écrit comme un nombre à virgule sans guillemets
    # YAML lit « 0.02 » sans guillemets comme un nombre approché ; le barème demande un texte
    # exact, entre guillemets : « 2 % ».
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Quote-part
      fiscal_year: 2027
      fee:
        rate: {rate: 0.02, base: profit}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.rate.rate : un taux s'écrit entre guillemets, ex. « 2 % » ou « 0,5 ‰ »
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.rate.rate »

  Plan du scénario: un taux sans son unité : <taux>
    # « 2 » veut-il dire 2 % ou 2 ‰ ? Le barème ne devine pas : le taux s'écrit avec son unité.
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Quote-part
      fiscal_year: 2027
      fee:
        rate: {rate: <taux>, base: profit}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.rate.rate : écrivez le taux avec son unité, ex. « 2 % » ou « 1,5 ‰ »
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.rate.rate »

    Exemples:
      | taux | nombre |
      | "2"  | 2      |
      | 1    | 1      |

  Plan du scénario: un taux écrit avec son unité est accepté : <taux>
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Quote-part
      fiscal_year: 2027
      fee:
        rate: {rate: "<taux>", base: profit}
      """
    Alors le barème est accepté

    Exemples:
      | taux   |
      | 2 %    |
      | 0,08 % |
      | 1,5 ‰  |

  Scénario: un montant écrit comme un nombre à virgule sans guillemets
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Forfait
      fiscal_year: 2027
      fee:
        amount: 120.5
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.amount : écrivez le montant entre guillemets (« 120.5 ») pour qu'il reste exact
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.amount »

  Scénario: une base que les membres ne déclarent pas
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Quote-part
      fiscal_year: 2027
      fee:
        rate: {rate: "0,1 %", base: turnover}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.rate.base : base inconnue « turnover » (bases possibles : gross_margin, profit, revenue, value_added)
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.rate.base »

  Scénario: un taux sans base
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Quote-part
      fiscal_year: 2027
      fee:
        rate: {rate: "2 %"}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.rate.base : la base est obligatoire (bases possibles : gross_margin, profit, revenue, value_added)
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.rate.base »

  Scénario: un taux sur un nombre d'habitants
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Part des collectivités
      fiscal_year: 2027
      fee:
        rate: {rate: "0,1 %", base: population}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.rate.base : la base « population » ne convient pas ici : un taux s'applique à un montant en euros (bases possibles : gross_margin, profit, revenue, value_added)
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.rate.base »

  Scénario: un montant par unité sur un chiffre d'affaires
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Part par salarié
      fiscal_year: 2027
      fee:
        per_unit: {amount: "10,00", base: revenue}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.per_unit.base : la base « revenue » ne convient pas ici : un montant par unité s'applique à un effectif ou à une population (bases possibles : headcount, population)
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.per_unit.base »

  # --- Plancher et plafond -------------------------------------------------------------------

  Scénario: un plancher au-dessus du plafond
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Quote-part
      fiscal_year: 2027
      fee:
        rate: {rate: "2 %", base: profit}
        floor: "500,00"
        cap: "300,00"
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.floor : le plancher (500,00 €) dépasse le plafond (300,00 €) de ce même élément
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.floor »

  Scénario: un plafond en centimes avec un arrondi à l'euro
    # 2 % de 40 024,99 € font 800,50 €, plafonnés à 800,50 €, que l'arrondi à l'euro porterait
    # à 801 € : au-dessus du plafond. Avec « rounding: euro », plancher et plafond sont en euros.
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Quote-part arrondie à l'euro
      fiscal_year: 2027
      rounding: euro
      fee:
        rate: {rate: "2 %", base: profit}
        cap: "800,50"
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.cap : avec un arrondi à l'euro, le plafond doit être un nombre entier d'euros (800,50 €)
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.cap »

  Scénario: un plancher en centimes, dans une somme, avec un arrondi à l'euro
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Part fixe et part variable, arrondies à l'euro
      fiscal_year: 2027
      rounding: euro
      fee:
        sum:
          - {label: part fixe, amount: "100,00"}
          - label: part variable
            rate: {rate: "1 %", base: revenue}
            floor: "99,99"
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.sum[1].floor : avec un arrondi à l'euro, le plancher doit être un nombre entier d'euros (99,99 €)
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.sum[1].floor »

  Scénario: des centimes sont permis au plafond quand on arrondit au centime
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Quote-part
      fiscal_year: 2027
      fee:
        rate: {rate: "2 %", base: profit}
        cap: "800,50"
      """
    Alors le barème est accepté

  # --- Grilles de tranches -------------------------------------------------------------------

  Scénario: un trou à une borne : « moins de 500 000 € » puis « plus de 500 000 € »
    # 500 000,00 € tout rond n'est ni « moins de 500 000 € », ni « plus de 500 000 € ».
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Barème par tranches
      fiscal_year: 2027
      fee:
        brackets:
          base: revenue
          grid:
            - {to: 500000, amount: "150,00"}
            - {above: 500000, amount: "400,00"}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.brackets.grid[1] : trou : 500 000,00 € n'appartient à aucune tranche (« to » et « above » excluent tous deux la borne ; écrivez « up_to » ou « from »)
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.brackets.grid[1] »

  Scénario: un chevauchement à une borne : « jusqu'à 500 000 € » puis « à partir de 500 000 € »
    # 500 000,00 € tout rond serait dans les deux tranches.
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Barème par tranches
      fiscal_year: 2027
      fee:
        brackets:
          base: revenue
          grid:
            - {up_to: 500000, amount: "150,00"}
            - {from: 500000, amount: "400,00"}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.brackets.grid[1] : chevauchement : 500 000,00 € appartient aux deux tranches (« up_to » et « from » incluent tous deux la borne ; écrivez « to » ou « above »)
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.brackets.grid[1] »

  Scénario: un trou entre deux tranches : rien entre 400 000 € et 500 000 €
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Barème par tranches
      fiscal_year: 2027
      fee:
        brackets:
          base: revenue
          grid:
            - {to: 400000, amount: "150,00"}
            - {from: 500000, amount: "400,00"}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.brackets.grid[1] : trou entre les tranches n° 1 et n° 2 : de 400 000,00 € à 500 000,00 €, aucune tranche ne s'applique
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.brackets.grid[1] »

  Scénario: un chevauchement entre deux tranches : de 400 000 € à 500 000 €, deux tranches
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Barème par tranches
      fiscal_year: 2027
      fee:
        brackets:
          base: revenue
          grid:
            - {to: 500000, amount: "150,00"}
            - {from: 400000, amount: "400,00"}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.brackets.grid[1] : chevauchement entre les tranches n° 1 et n° 2 : de 400 000,00 € à 500 000,00 €, deux tranches s'appliquent
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.brackets.grid[1] »

  Scénario: une tranche sans limite haute suivie d'une autre
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Barème par tranches
      fiscal_year: 2027
      fee:
        brackets:
          base: revenue
          grid:
            - {from: 0, amount: "150,00"}
            - {from: 100000, amount: "400,00"}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.brackets.grid[1] : la tranche n° 1 n'a pas de limite haute : rien ne peut la suivre
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.brackets.grid[1] »

  Scénario: une dernière tranche fermée
    # Au-delà de 500 000 €, aucune tranche ne s'appliquerait : un grand membre ne paierait rien
    # sans que personne ne le voie. La dernière tranche s'écrit sans « to » ni « up_to ».
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Barème par tranches
      fiscal_year: 2027
      fee:
        brackets:
          base: revenue
          grid:
            - {to: 100000, amount: "150,00"}
            - {from: 100000, to: 500000, amount: "400,00"}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.brackets.grid[1] : la dernière tranche doit rester ouverte : au-delà de 500 000,00 €, aucune tranche ne s'appliquerait
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.brackets.grid[1] »

  Scénario: une grille d'une seule tranche fermée, en habitants
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Part des collectivités
      fiscal_year: 2027
      fee:
        brackets:
          base: population
          grid:
            - {up_to: 1000, amount: "50,00"}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.brackets.grid[0] : la dernière tranche doit rester ouverte : au-delà de 1 000 habitants, aucune tranche ne s'appliquerait
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.brackets.grid[0] »

  Scénario: une borne de tranche au millième d'euro
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Barème par tranches
      fiscal_year: 2027
      fee:
        brackets:
          base: revenue
          grid:
            - {to: "100000,005", amount: "150,00"}
            - {from: "100000,005", amount: "400,00"}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.brackets.grid[0].to : « 100000,005 » a plus de 2 décimales
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.brackets.grid[0].to »

  Scénario: une tranche dont la limite haute est sous la limite basse
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Barème par tranches
      fiscal_year: 2027
      fee:
        brackets:
          base: revenue
          grid:
            - {from: 500000, to: 100000, amount: "150,00"}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.brackets.grid[0] : la limite haute doit dépasser la limite basse
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.brackets.grid[0] »

  Scénario: une tranche avec à la fois un montant et un taux
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Barème par tranches
      fiscal_year: 2027
      fee:
        brackets:
          base: revenue
          grid:
            - {to: 100000, amount: "150,00", rate: "0,2 %"}
            - {from: 100000, rate: "0,1 %"}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.brackets.grid[0] : chaque tranche a soit un montant, soit un taux
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.brackets.grid[0] »

  Scénario: un barème marginal écrit avec des montants
    # Un barème marginal applique un taux à chaque part : une tranche à montant fixe n'y a pas de sens.
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Barème marginal
      fiscal_year: 2027
      fee:
        brackets:
          base: revenue
          mode: marginal
          grid:
            - {up_to: 100000, amount: "150,00"}
            - {above: 100000, rate: "0,2 %"}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.brackets.grid[0].amount : un barème marginal s'écrit en taux par tranche
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.brackets.grid[0].amount »

  Scénario: un taux par tranche sur un nombre d'habitants
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Part des collectivités
      fiscal_year: 2027
      fee:
        brackets:
          base: population
          grid:
            - {to: 1000, amount: "50,00"}
            - {from: 1000, rate: "0,1 %"}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.brackets.grid : un taux s'applique à une base en euros, pas à la population : donnez un montant par tranche
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.brackets.grid »

  # --- Le barème dans son ensemble -----------------------------------------------------------

  Scénario: un barème sans exercice
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Forfait
      fee:
        amount: "120,00"
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fiscal_year : clé obligatoire absente
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fiscal_year »

  Scénario: une somme d'un seul élément
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Forfait
      fiscal_year: 2027
      fee:
        sum:
          - {amount: "120,00"}
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : fee.sum : une liste d'au moins deux éléments est attendue
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « fee.sum »

  Scénario: un prorata écrit en français au lieu du mot-clé
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Forfait
      fiscal_year: 2027
      prorata: jour
      fee:
        amount: "120,00"
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : prorata : attendu : none, day ou month
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « prorata »

  Scénario: un fichier qui n'est pas du YAML valide
    # « cap » est décalé d'une espace : il n'appartient ni à « fee », ni au document. L'erreur
    # désigne la ligne du fichier où la lecture s'arrête.
    Quand on lit le barème « bareme-2027.yaml » :
      """yaml
      id: bareme-2027
      label: Forfait
      fiscal_year: 2027
      fee:
        amount: "120,00"
       cap: "150,00"
      """
    Alors le barème est refusé avec le message :
      """
      bareme-2027.yaml : ligne 6 : YAML illisible : vérifiez l'indentation, les deux-points et les guillemets ou crochets non refermés près de cette ligne (détail technique : expected <block end>, but found '<block mapping start>')
      """
    Et l'erreur désigne le fichier « bareme-2027.yaml » et la clé « ligne 6 »
