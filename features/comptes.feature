# language: fr
Fonctionnalité: Comptes et connexion
  Pour que seules les personnes autorisées agissent au nom de la coopérative,
  chaque compte se connecte avec son mot de passe et reçoit un jeton valable 12 heures.
  L'administrateur désactive, réactive et réinitialise les comptes ; chacun change son mot de
  passe et se déconnecte. Dix mauvais mots de passe en quinze minutes bloquent un compte cinq
  minutes, même avec le bon mot de passe. Le journal d'audit garde chaque connexion, chaque
  échec (identifiant essayé et adresse, jamais le mot de passe) et chaque révocation.

  Contexte:
    Étant donné un compte administrateur « alice » avec le mot de passe « secret-alice »
    Et un compte trésorier « bruno » avec le mot de passe « secret-bruno »

  Scénario: un compte désactivé ne se connecte plus et son jeton cesse de valoir
    Étant donné que « bruno » est connecté
    Quand « alice » désactive le compte « bruno »
    Alors le jeton de « bruno » est refusé avec le message :
      """
      jeton absent, inconnu, expiré ou révoqué : reconnectez-vous
      """
    Et la connexion de « bruno » avec « secret-bruno » est refusée avec le message :
      """
      identifiant ou mot de passe incorrect
      """
    Quand « alice » réactive le compte « bruno »
    Alors « bruno » se connecte avec « secret-bruno »

  Scénario: dix mauvais mots de passe bloquent le compte cinq minutes, même avec le bon
    Quand « bruno » se trompe de mot de passe 10 fois
    Alors la connexion de « bruno » avec « secret-bruno » est refusée avec le message :
      """
      trop de tentatives de connexion : réessayez dans 300 secondes
      """
    Et le journal d'audit compte 10 « connexion.échouée » et 1 « connexion.limitée »
    Quand 300 secondes passent
    Alors « bruno » se connecte avec « secret-bruno »

  Scénario: le dernier administrateur actif ne peut pas être désactivé
    Quand le système désactive le compte « alice »
    Alors l'opération est refusée avec le message :
      """
      « alice » est le dernier administrateur actif : nommez-en un autre avant de le désactiver
      """

  Scénario: changer son mot de passe demande le mot de passe actuel
    Étant donné que « bruno » est connecté
    Quand « bruno » change son mot de passe de « pas-le-bon » en « nouveau-bruno »
    Alors l'opération est refusée avec le message :
      """
      mot de passe actuel incorrect
      """
    Quand « bruno » change son mot de passe de « secret-bruno » en « nouveau-bruno »
    Alors l'opération est acceptée
    Et la connexion de « bruno » avec « secret-bruno » est refusée avec le message :
      """
      identifiant ou mot de passe incorrect
      """
    Et « bruno » se connecte avec « nouveau-bruno »

  Scénario: la réinitialisation par l'administrateur révoque les jetons du compte
    Étant donné que « bruno » est connecté
    Quand « alice » réinitialise le mot de passe de « bruno » en « provisoire-123 »
    Alors le jeton de « bruno » est refusé avec le message :
      """
      jeton absent, inconnu, expiré ou révoqué : reconnectez-vous
      """
    Et « bruno » se connecte avec « provisoire-123 »

  Scénario: se déconnecter révoque le jeton
    Étant donné que « bruno » est connecté
    Quand « bruno » se déconnecte
    Alors le jeton de « bruno » est refusé avec le message :
      """
      jeton absent, inconnu, expiré ou révoqué : reconnectez-vous
      """

  Scénario: le journal garde l'identifiant essayé et l'adresse, jamais le mot de passe
    Quand quelqu'un essaie « bruno » avec « devine-moi » depuis l'adresse « 203.0.113.9 »
    Alors le journal d'audit note l'échec de « bruno » depuis « 203.0.113.9 »
    Et le journal d'audit ne contient nulle part « devine-moi »
