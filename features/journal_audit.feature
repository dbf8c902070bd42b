# language: fr
Fonctionnalité: Le journal d'audit est vérifiable
  Chaque entrée du journal d'audit porte l'empreinte (SHA-256) de son contenu et de l'empreinte
  de l'entrée précédente : une chaîne. « gouvernance audit verify » la recalcule et nomme le
  premier maillon rompu. La tête de la chaîne (numéro de l'entrée et début de son empreinte) est
  imprimée sur le procès-verbal d'une assemblée close et donnée avec chaque export comptable :
  qui garde un document voit plus tard si le journal a été réécrit, même en entier.

  Contexte:
    Étant donné l'organisation de démonstration

  Scénario: Le journal de la démonstration est intègre
    Quand le conseil vérifie le journal d'audit
    Alors le journal est déclaré intègre
    Et la vérification donne le nombre d'entrées, le numéro et l'empreinte de la tête

  Scénario: Une entrée modifiée directement dans la base est nommée
    Étant donné l'acteur de l'entrée n° 12 du journal changé, déclencheurs coupés
    Quand le conseil vérifie le journal d'audit
    Alors la vérification échoue avec le message « l'entrée n° 12 ne correspond plus à son empreinte : modifiée après coup »

  Scénario: Des entrées supprimées directement dans la base sont nommées
    Étant donné les entrées n° 30 à 32 du journal supprimées, déclencheurs coupés
    Quand le conseil vérifie le journal d'audit
    Alors la vérification échoue avec le message « les entrées n° 30 à 32 manquent : supprimées après coup »

  Scénario: Le procès-verbal d'une assemblée close porte l'entrée du journal de sa clôture
    Quand le conseil imprime le procès-verbal de l'assemblée « AG-2026-01 »
    Alors le procès-verbal porte le numéro et l'empreinte de l'entrée qui a enregistré la clôture
    Quand une catégorie de membres est ajoutée
    Et le conseil imprime le procès-verbal de l'assemblée « AG-2026-01 »
    Alors le procès-verbal porte la même tête du journal qu'à la première impression

  Scénario: Un journal recalculé en entier se voit avec la tête reçue avec un export
    Étant donné les appels de cotisation 2027 émis le 15/01/2027
    Quand la trésorière exporte le FEC de l'exercice 2027
    Alors la tête du journal est donnée avec le fichier, qui n'a que des lignes d'écritures
    Étant donné le détail de l'entrée n° 5 réécrit et les empreintes suivantes recalculées
    Quand le conseil vérifie le journal d'audit
    Alors le journal est déclaré intègre
    Quand le conseil vérifie le journal d'audit avec la tête reçue avec le FEC
    Alors la vérification échoue : la tête reçue n'a plus la même empreinte dans le journal
