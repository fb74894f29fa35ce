<?php
/**
 * REST routes: POST /igny8/v1/publish, GET /igny8/v1/status, and a read-only `igny8` field on posts (edit context).
 *
 * @package Igny8_Bridge
 */

defined( 'ABSPATH' ) || exit;

/**
 * Routes and API-key authentication.
 */
class Igny8_Bridge_Rest {

	const NS = 'igny8/v1';

	/** Registers hooks. */
	public static function init() {
		add_action( 'rest_api_init', array( __CLASS__, 'routes' ) );
	}

	/** Registers the routes and the read-only post field. */
	public static function routes() {
		register_rest_route(
			self::NS,
			'/publish',
			array(
				'methods'             => 'POST',
				'callback'            => array( __CLASS__, 'publish' ),
				'permission_callback' => array( __CLASS__, 'check_key' ),
			)
		);
		register_rest_route(
			self::NS,
			'/status',
			array(
				'methods'             => 'GET',
				'callback'            => array( __CLASS__, 'status' ),
				'permission_callback' => array( __CLASS__, 'check_key' ),
			)
		);
		register_rest_field(
			'post',
			'igny8',
			array(
				'get_callback' => array( __CLASS__, 'post_field' ),
				'schema'       => array(
					'description' => __( 'IGNY8 identifiers and the SEO meta written by the IGNY8 Bridge.', 'igny8-bridge' ),
					'type'        => array( 'object', 'null' ),
					'context'     => array( 'edit' ),
					'readonly'    => true,
				),
			)
		);
	}

	/**
	 * Permission callback: the X-IGNY8-API-KEY header must equal the stored key (constant-time compare).
	 *
	 * @param WP_REST_Request $request Request.
	 * @return true|WP_Error
	 */
	public static function check_key( $request ) {
		$stored   = Igny8_Bridge_Settings::api_key();
		$provided = (string) $request->get_header( 'x_igny8_api_key' );
		if ( '' === $stored ) {
			return new WP_Error( 'igny8_not_configured', __( 'No IGNY8 API key is set in Settings → IGNY8.', 'igny8-bridge' ), array( 'status' => 401 ) );
		}
		if ( '' === $provided || ! hash_equals( $stored, $provided ) ) {
			return new WP_Error( 'igny8_invalid_api_key', __( 'Missing or invalid X-IGNY8-API-KEY header.', 'igny8-bridge' ), array( 'status' => 401 ) );
		}
		return true;
	}

	/**
	 * POST /igny8/v1/publish.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public static function publish( $request ) {
		$payload = $request->get_json_params();
		if ( ! is_array( $payload ) ) {
			return new WP_Error( 'igny8_invalid_payload', __( 'The body must be a JSON object.', 'igny8-bridge' ), array( 'status' => 400 ) );
		}
		$result = Igny8_Bridge_Publisher::publish( $payload );
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		$result['success'] = true;
		return new WP_REST_Response( $result, $result['created'] ? 201 : 200 );
	}

	/**
	 * GET /igny8/v1/status.
	 *
	 * @return WP_REST_Response
	 */
	public static function status() {
		$author     = Igny8_Bridge_Publisher::default_author();
		$post_types = array();
		foreach ( get_post_types( array( 'public' => true, 'show_in_rest' => true ), 'objects' ) as $type ) {
			$post_types[] = array(
				'name'       => $type->name,
				'label'      => $type->label,
				'taxonomies' => array_values( get_object_taxonomies( $type->name ) ),
			);
		}
		$taxonomies = array();
		foreach ( get_taxonomies( array( 'public' => true ), 'objects' ) as $tax ) {
			$taxonomies[] = array(
				'name'         => $tax->name,
				'label'        => $tax->label,
				'hierarchical' => (bool) $tax->hierarchical,
				'count'        => (int) wp_count_terms( array( 'taxonomy' => $tax->name, 'hide_empty' => false ) ),
			);
		}
		return new WP_REST_Response(
			array(
				'success'           => true,
				'plugin'            => 'igny8-bridge',
				'plugin_version'    => IGNY8_BRIDGE_VERSION,
				'wordpress_version' => get_bloginfo( 'version' ),
				'php_version'       => PHP_VERSION,
				'site_url'          => home_url( '/' ),
				'can_publish'       => $author > 0 && user_can( $author, 'publish_posts' ),
				'author_id'         => $author,
				'app_url_set'       => '' !== Igny8_Bridge_Settings::app_url(),
				'seo_plugins'       => array(
					'yoast'     => defined( 'WPSEO_VERSION' ),
					'rank_math' => defined( 'RANK_MATH_VERSION' ),
					'seopress'  => defined( 'SEOPRESS_VERSION' ),
					'aioseo'    => defined( 'AIOSEO_VERSION' ),
				),
				'post_types'        => $post_types,
				'taxonomies'        => $taxonomies,
			),
			200
		);
	}

	/**
	 * The `igny8` field of a post (edit context, so only users who may edit the post see it).
	 *
	 * @param array $post Prepared post data.
	 * @return array|null
	 */
	public static function post_field( $post ) {
		$id = (int) $post['id'];
		if ( ! current_user_can( 'edit_post', $id ) ) {
			return null;
		}
		$content_id = get_post_meta( $id, '_igny8_content_id', true );
		if ( '' === $content_id ) {
			return null;
		}
		$field = array( 'content_id' => $content_id );
		foreach ( Igny8_Bridge_Publisher::meta_keys() as $key ) {
			$field['meta'][ $key ] = get_post_meta( $id, $key, true );
		}
		return $field;
	}
}
