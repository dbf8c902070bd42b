# language: fr
Fonctionnalité: Envoyer les appels, relances, convocations et procès-verbaux par courriel
  Le trésorier envoie les lettres d'appel et de relance par courriel, le conseil la convocation
  et le procès-verbal des assemblées : chaque courriel est en français, avec un texte brut et le
  PDF en pièce jointe, adressé au membre à son adresse électronique. Le serveur SMTP se règle
  par la configuration (GOUVERNANCE_SMTP_HOST…), jamais dans la base.

  Chaque courriel est noté avant de partir, puis marqué envoyé avec la réponse du serveur, ou en
  échec avec la raison : un courriel parti ne repart jamais, un échec repart au prochain envoi.
  Les membres sans adresse électronique sont listés pour une lettre papier.

  La coopérative d'essai a quatre bénévoles appelés à 20,00 € le 15/01/2027, à payer au
  15/02/2027 ; personne n'a payé et le premier rappel est enregistré le 05/03/2027 pour chacun.
  David (M0004) n'a pas d'adresse électronique.

  Contexte:
    Étant donné la coopérative d'essai et ses adhérents :
      | code  | prénom  | courriel                      |
      | M0001 | Anne    | anne.martin@courriel.example  |
      | M0002 | Bruno   | bruno.petit@courriel.example  |
      | M0003 | Chantal | chantal.roux@courriel.example |
      | M0004 | David   |                               |
    Et les premières relances enregistrées le 05/03/2027
    Et un serveur de courriel sur 127.0.0.1 qui accepte tout

  Scénario: Les relances arrivent avec leur lettre en PDF
    Quand la trésorière envoie par courriel les relances du 05/03/2027
    Alors le serveur a reçu 3 courriels
    Et chaque courriel reçu porte sa lettre de relance en PDF
    Et le courriel reçu par « anne.martin@courriel.example » a pour objet « Premier rappel — appel AC-2027-0001 — Coopérative d'essai »
    Et son texte commence par « Bonjour, »
    Et « M0004 » est listé pour une lettre papier : « pas d'adresse électronique »

  Scénario: Un second envoi n'envoie rien
    Quand la trésorière envoie par courriel les relances du 05/03/2027
    Et la trésorière envoie par courriel les relances du 05/03/2027
    Alors le serveur a reçu 3 courriels
    Et le compte rendu dit « 0 courriel envoyé, 0 en échec, 3 déjà envoyés et 1 lettre papier »

  Scénario: Une connexion refusée laisse les relances à réessayer, puis elles partent une fois
    Étant donné que le serveur de courriel refuse les connexions
    Quand la trésorière envoie par courriel les relances du 05/03/2027
    Alors aucun courriel n'est parti
    Et 3 courriels sont en échec, la trésorière voit « refuse la connexion (arrêté, ou mauvais port) »
    Quand le serveur de courriel accepte de nouveau les connexions
    Et la trésorière envoie par courriel les relances du 05/03/2027
    Alors le serveur a reçu 3 courriels
    Et le compte rendu dit « 3 courriels envoyés, 0 en échec, 0 déjà envoyé et 1 lettre papier »

  Scénario: L'aperçu montre ce qui partirait sans rien envoyer ni rien noter
    Quand la trésorière demande l'aperçu des relances du 05/03/2027
    Alors l'aperçu dit « 3 courriels à envoyer, 0 déjà envoyé et 1 lettre papier »
    Et le serveur n'a reçu aucun courriel
    Et la boîte d'envoi est vide
