# language: fr
Fonctionnalité: Répartir, arrondir, écrire et lire des montants en euros
  Pour que la trésorière puisse vérifier chaque centime à la main,
  un montant se répartit entre les membres au prorata de leurs poids par la méthode du plus fort reste :
  chacun reçoit d'abord sa part exacte tronquée au centime,
  puis les centimes qui restent sont donnés, un par un, aux plus forts restes ;
  à reste égal, le centime va au plus gros poids, puis au premier de la liste.
  La somme des parts est toujours égale, au centime près, au montant réparti.

  Scénario: partager 100,00 € entre trois membres à parts égales
    Étant donné un montant de 100,00 € à répartir
    Et les membres suivants, avec leur poids :
      | membre                    | poids |
      | Ressourcerie des Alpilles | 1     |
      | Garage solidaire          | 1     |
      | Épicerie paysanne         | 1     |
    Quand je répartis le montant au prorata des poids
    Alors chacun reçoit :
      | membre                    | part    |
      | Ressourcerie des Alpilles | 33,34 € |
      | Garage solidaire          | 33,33 € |
      | Épicerie paysanne         | 33,33 € |
    Et la somme des parts fait 100,00 €

  Scénario: répartir 1 000,00 € au prorata du chiffre d'affaires, un membre sans chiffre d'affaires
    Étant donné un montant de 1 000,00 € à répartir
    Et les membres suivants, avec leur poids :
      | membre                    | poids  |
      | Ressourcerie des Alpilles | 48 000 |
      | Garage solidaire          | 12 000 |
      | Épicerie paysanne         | 0      |
    Quand je répartis le montant au prorata des poids
    Alors chacun reçoit :
      | membre                    | part     |
      | Ressourcerie des Alpilles | 800,00 € |
      | Garage solidaire          | 200,00 € |
      | Épicerie paysanne         | 0,00 €   |
    Et la somme des parts fait 1 000,00 €

  Scénario: à reste égal, le centime va au plus gros poids même s'il est cité en second
    # 100,02 € partagés 1 pour 3 : 25,005 € et 75,015 €. Les deux restes valent un demi-centime ;
    # il reste un centime à donner : il va au poids 3.
    Étant donné un montant de 100,02 € à répartir
    Et les membres suivants, avec leur poids :
      | membre            | poids |
      | Garage solidaire  | 1     |
      | Épicerie paysanne | 3     |
    Quand je répartis le montant au prorata des poids
    Alors chacun reçoit :
      | membre            | part    |
      | Garage solidaire  | 25,00 € |
      | Épicerie paysanne | 75,02 € |

  Plan du scénario: répartir <montant> selon les poids <poids>
    Étant donné un montant de <montant> à répartir
    Et les poids <poids>
    Quand je répartis le montant au prorata des poids
    Alors les parts sont, dans l'ordre, <parts>
    Et la somme des parts fait <montant>

    Exemples: parts égales, les centimes en plus vont aux premiers
      | montant  | poids                 | parts                                                 |
      | 100,00 € | 1 / 1 / 1             | 33,34 € / 33,33 € / 33,33 €                           |
      | 0,02 €   | 1 / 1 / 1             | 0,01 € / 0,01 € / 0,00 €                              |
      | 10,00 €  | 1 / 1 / 1 / 1 / 1 / 1 | 1,67 € / 1,67 € / 1,67 € / 1,67 € / 1,66 € / 1,66 €   |
      | 20,00 €  | 2,5 / 2,5 / 2,5       | 6,67 € / 6,67 € / 6,66 €                              |

    Exemples: poids différents, et départage au plus gros poids puis à l'ordre
      | montant    | poids                  | parts                              |
      | 1 000,00 € | 48 000 / 12 000 / 0    | 800,00 € / 200,00 € / 0,00 €       |
      | 100,02 €   | 3 / 1                  | 75,02 € / 25,00 €                  |
      | 100,02 €   | 1 / 3                  | 25,00 € / 75,02 €                  |
      | 0,05 €     | 1 / 2 / 1 / 2          | 0,01 € / 0,02 € / 0,01 € / 0,01 €  |
      | 0,07 €     | 1 / 2 / 2 / 1          | 0,01 € / 0,03 € / 0,02 € / 0,01 €  |

    Exemples: un montant négatif (un avoir) se répartit comme son opposé
      | montant   | poids     | parts                          |
      | -100,00 € | 1 / 1 / 1 | -33,34 € / -33,33 € / -33,33 € |
      | -0,01 €   | 1 / 1     | -0,01 € / 0,00 €               |

  Scénario: des poids tous nuls ne permettent pas de répartir
    Étant donné un montant de 100,00 € à répartir
    Et les poids 0 / 0 / 0
    Quand je répartis le montant au prorata des poids
    Alors la répartition est refusée avec le message :
      """
      la somme des poids de répartition est nulle
      """
    Et le champ en cause est « weights »

  Plan du scénario: arrondir <valeur> € au centime, la moitié vers le haut
    # La moitié d'un centime s'arrondit en s'éloignant de zéro : -0,005 € donne -0,01 €.
    Quand j'arrondis <valeur> € au centime
    Alors j'obtiens <arrondi>

    Exemples:
      | valeur  | arrondi |
      | 0,005   | 0,01 €  |
      | 0,004   | 0,00 €  |
      | 0,015   | 0,02 €  |
      | 2,675   | 2,68 €  |
      | 1,995   | 2,00 €  |
      | 1,994   | 1,99 €  |
      | -0,005  | -0,01 € |
      | -2,675  | -2,68 € |
      | 12      | 12,00 € |

  Plan du scénario: écrire un montant à la française
    # Dans ce fichier les espaces sont ordinaires ; le logiciel met une espace fine insécable
    # entre les milliers et une espace insécable avant « € », pour qu'un montant ne soit jamais
    # coupé en fin de ligne. L'étape vérifie ces caractères exactement.
    Quand j'écris le montant <valeur>
    Alors il s'écrit « <écrit> »

    Exemples:
      | valeur     | écrit          |
      | 1234,5     | 1 234,50 €     |
      | 0          | 0,00 €         |
      | -12,5      | -12,50 €       |
      | 48000      | 48 000,00 €    |
      | 1234567,89 | 1 234 567,89 € |

  Plan du scénario: lire un montant saisi par la trésorière
    Quand je saisis le montant « <saisie> »
    Alors la saisie est acceptée
    Et la valeur lue est <valeur> euros

    Exemples:
      | saisie      | valeur  |
      | 1 234,50 €  | 1234,50 |
      | 1234.5      | 1234,50 |
      | 48000       | 48000   |
      | 48 000 €    | 48000   |
      | -12,5       | -12,50  |
      | 7 euros     | 7       |

  Scénario: un montant écrit à l'anglaise ou à l'allemande est refusé, pas deviné
    Quand je saisis le montant « 1.234,50 »
    Alors la saisie est refusée avec le message :
      """
      « 1.234,50 » mélange virgule et point : écrivez 1234,50 ou 1 234,50
      """

  Plan du scénario: une saisie qui n'est pas un montant au centime est refusée
    Quand je saisis le montant « <saisie> »
    Alors la saisie est refusée avec le message :
      """
      <message>
      """

    Exemples:
      | saisie | message                             |
      | 12,345 | « 12,345 » a plus de 2 décimales    |
      | abc    | « abc » n'est pas un nombre         |
      |        | valeur vide : un nombre est attendu |
