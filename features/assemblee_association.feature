# language: fr
Fonctionnalité: Tenir l'assemblée générale d'une association
  Une association n'a ni parts ni collèges : la liste d'émargement est celle des adhérents à la
  date d'arrêté, une personne une voix. Ses statuts disent ici que chacun détient au plus deux
  pouvoirs, qu'un pouvoir en blanc vote pour les résolutions du conseil et contre les autres, et
  que seuls votent les adhérents à jour de leurs cotisations échues à la date d'arrêté.

  Contexte:
    Étant donné les statuts de l'organisation :
      """yaml
      id: asso-essai
      label: Statuts de l'association d'essai
      valid_from: 2016-03-12
      legal_form: association
      assemblies:
        preset: association
      proxies:
        max_per_associate: 2
        blank: board
      voting_roll:
        fees_up_to_date: true
      """
    Et les adhérents, inscrits le 01/01/2027 : ADH01, ADH02, ADH03, ADH04, ADH05
    Et nous sommes le 15/06/2027

  Scénario: Au plus deux pouvoirs par adhérent : le troisième est refusé avec la règle
    Étant donné le conseil a convoqué l'assemblée générale ordinaire du 15/06/2027
    Et les présents : ADH01
    Alors chaque associé peut détenir 2 pouvoirs : « au plus 2 pouvoirs par associé »
    Quand ADH02 donne pouvoir à ADH01
    Et ADH03 donne pouvoir à ADH01
    Alors la saisie est acceptée
    Quand ADH04 donne pouvoir à ADH01
    Alors la saisie est refusée avec le motif :
      """
      pouvoir refusé : Associé Adh01 (ADH01) détient déjà 2 pouvoirs (ADH02, ADH03), le maximum à cette assemblée : au plus 2 pouvoirs par associé, soit 2 pour 5 associés
      """
    Et le champ en cause est « holder »
    Et la liste d'émargement dit :
      | associé | présence   | pouvoir à | pouvoirs détenus |
      | ADH01   | présent    |           | ADH02, ADH03     |
      | ADH04   |            |           |                  |

  Scénario: Un pouvoir en blanc vote pour la résolution du conseil et contre celle des adhérents
    Étant donné le conseil a convoqué l'assemblée générale ordinaire du 15/06/2027
    Et le conseil a inscrit la résolution 1 « Rapport moral »
    Et le conseil a inscrit la résolution 2 « Gratuité de la ressourcerie le samedi », proposée par ADH02
    Et les présents : ADH01, ADH02, ADH03
    Et les pouvoirs en blanc : ADH04, ADH05
    Quand les bulletins de la résolution 1 sont :
      | choix  | associés     |
      | pour   | ADH01        |
      | contre | ADH02, ADH03 |
    Et les bulletins de la résolution 2 sont :
      | choix  | associés     |
      | pour   | ADH01, ADH02 |
      | contre | ADH03        |
    # Résolution 1 : 1 pour + 2 pouvoirs en blanc pour = 3 pour, 2 contre : 60 %.
    Alors la résolution 1 est adoptée
    Et le décompte par tête de la résolution 1 est de 3 pour, 2 contre
    Et l'explication de la résolution 1 contient :
      """
      Ensemble des associés : 3 pour, 2 contre, 0 abstention, 0 blanc ou nul, dont 2 pouvoirs en blanc ; 3 sur 5 voix exprimées, soit 60 %
      Majorité requise : plus de la moitié des voix exprimées (50 %) → adoptée
      """
    # Résolution 2 : 2 pour, 1 contre + 2 pouvoirs en blanc contre = 2 pour, 3 contre : 40 %.
    Et la résolution 2 est rejetée
    Et le décompte par tête de la résolution 2 est de 2 pour, 3 contre
    Et l'explication de la résolution 2 contient :
      """
      Ensemble des associés : 2 pour, 3 contre, 0 abstention, 0 blanc ou nul, dont 2 pouvoirs en blanc ; 2 sur 5 voix exprimées, soit 40 %
      Majorité requise : plus de la moitié des voix exprimées (50 %) → rejetée
      """

  Scénario: Un adhérent dont la cotisation échue est impayée figure sur la liste sans droit de vote
    Étant donné la cotisation de 20,00 € appelée le 01/02/2027, à payer au 31/03/2027
    Et ADH01, ADH03, ADH04 et ADH05 l'ont payée le 15/03/2027
    Quand le conseil convoque l'assemblée générale ordinaire du 15/06/2027
    Alors la liste d'émargement compte 5 adhérents, dont 4 ayant droit de vote
    Et ADH02 figure sur la liste sans droit de vote : « cotisation non à jour au 15/06/2027 : appel AC-2027-0002 échu le 31/03/2027, 20,00 € impayés »
    Et ADH01 figure sur la liste avec droit de vote
