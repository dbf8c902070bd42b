# language: fr
Fonctionnalité: Déclarer son organisation
  Une base tient les comptes d'une seule organisation. Sur une installation neuve,
  l'administrateur la déclare : son nom, sa forme juridique (association, SCIC SA, SAS ou SARL),
  son SIREN — ou, pour une association qui n'en a pas, son numéro RNA —, son adresse, le compte
  où les membres paient, le début de son exercice, son fuseau horaire et qui signe pour elle.
  Il la modifie ensuite champ par champ. Les lettres déjà émises gardent ce qu'elles imprimaient.

  Scénario: Une installation neuve dit quoi faire ensuite
    Quand on consulte l'état de l'installation
    Alors les prochaines étapes sont :
      """
      Prochaines étapes : 1. créez le premier administrateur : gouvernance users add <identifiant> --role admin 2. déclarez l'organisation : gouvernance --as <identifiant> organisation set --name « … » --legal-form association --rna W… (ou --siren …), ou PUT /organisation 3. inscrivez les membres : gouvernance --as <identifiant> members import membres.csv (ou POST /members)
      """

  Scénario: Une association sans SIREN se déclare par son numéro RNA
    Quand l'administrateur déclare l'organisation :
      | champ           | valeur                            |
      | name            | Réseau des Cigales                |
      | legal_form      | Association loi 1901              |
      | rna             | w 133 001 234                     |
      | iban            | FR76 3000 6000 0112 3456 7890 189 |
      | treasurer_name  | Joseph Castagne                   |
      | treasurer_title | Trésorier bénévole                |
    Alors la saisie est acceptée
    Et l'organisation enregistrée a :
      | champ             | valeur                      |
      | legal_form        | association                 |
      | rna               | W133001234                  |
      | iban              | FR7630006000011234567890189 |
      | bic               | AGRIFRPPXXX                 |
      | fiscal_year_start | 1er janvier                 |
      | time_zone         | Europe/Paris                |
      | treasurer_title   | Trésorier bénévole          |

  Scénario: Une association sans SIREN ni RNA est refusée
    Quand l'administrateur déclare l'organisation :
      | champ      | valeur             |
      | name       | Réseau des Cigales |
      | legal_form | association        |
    Alors la saisie est refusée avec le message :
      """
      une association est identifiée par son SIREN ou son numéro RNA : indiquez l'un ou l'autre
      """
    Et le champ en cause est « rna »
    Et aucune organisation n'est enregistrée

  Scénario: Une SCIC donne son SIREN
    Quand l'administrateur déclare l'organisation :
      | champ      | valeur          |
      | name       | SCIC des Alpes  |
      | legal_form | scic_sarl       |
    Alors la saisie est refusée avec le message :
      """
      une SCIC SARL est identifiée par son SIREN : indiquez-le
      """
    Et le champ en cause est « siren »

  Scénario: Un BIC inconnu des banques est refusé
    Étant donné l'organisation « Réseau des Cigales » déclarée
    Quand l'administrateur change seulement :
      | champ | valeur   |
      | bic   | ZZZZFRPP |
    Alors la saisie est refusée avec le message :
      """
      « ZZZZFRPP » : BIC inconnu, aucune banque ne porte ce code dans le registre des BIC (vérifiez-le sur un relevé d'identité bancaire)
      """
    Et le champ en cause est « bic »

  Scénario: Un fuseau horaire inconnu est refusé
    Étant donné l'organisation « Réseau des Cigales » déclarée
    Quand l'administrateur change seulement :
      | champ     | valeur |
      | time_zone | Paris  |
    Alors la saisie est refusée avec le message :
      """
      fuseau horaire inconnu « Paris » : un nom IANA est attendu, ex. Europe/Paris, America/Cayenne, Indian/Reunion
      """
    Et le champ en cause est « time_zone »

  Scénario: Changer un champ garde tous les autres
    Étant donné l'organisation « Réseau des Cigales » déclarée
    Quand l'administrateur change seulement :
      | champ           | valeur      |
      | city            | Tarascon    |
      | treasurer_title | Trésorière  |
    Alors la saisie est acceptée
    Et l'organisation enregistrée a :
      | champ           | valeur             |
      | name            | Réseau des Cigales |
      | rna             | W133001234         |
      | city            | Tarascon           |
      | treasurer_name  | Joseph Castagne    |
      | treasurer_title | Trésorière         |

  Scénario: Seul l'administrateur déclare l'organisation
    Quand la trésorière déclare l'organisation :
      | champ      | valeur             |
      | name       | Réseau des Cigales |
      | legal_form | association        |
      | rna        | W133001234         |
    Alors la saisie est refusée avec le message :
      """
      le rôle trésorier ne permet pas de gérer les comptes et l'organisation
      """
    Et aucune organisation n'est enregistrée

  Scénario: Une lettre d'appel déjà émise garde le nom et l'IBAN qu'elle imprimait
    Étant donné l'organisation « Réseau des Cigales » déclarée
    Et un appel de cotisation émis pour Léa Martin
    Quand l'administrateur change seulement :
      | champ | valeur                      |
      | name  | Cigales en réseau           |
      | iban  | FR7142559100000500013M02623 |
    Et un appel de cotisation est émis pour Paul Roux
    Alors la lettre d'appel de Léa Martin porte « Réseau des Cigales » et le BIC « AGRIFRPPXXX »
    Et la lettre d'appel de Paul Roux porte « Cigales en réseau » et le BIC « CCOPFRPPXXX »
